#!/usr/bin/env bash
# Watch benchmark (issue 16). Sends traffic to 127.0.0.1 only.
#
# 1. Probing: N generated scenarios (default 1,000), one probe each every EVERY
#    (default 30s), against one local nginx, for DURATION seconds (default 600):
#    `ujilab watch` under /usr/bin/time. Reports CPU time per probe, the share of
#    one core per 1,000 probes a minute, peak RSS, and the database's bytes per
#    sample.
# 2. History: a synthetic history of SEED_SERVICES services (default 1,000) over
#    SEED_DAYS days (default 30), one sample every SEED_EVERY seconds (default 30),
#    written by the seeding tool through the watch's own storage code (the same
#    Store, rollups and retention), then VACUUMed: bytes per sample amortised.
# 3. Status page: `ujilab watch` serving that history; REQUESTS page views
#    (default 200) with curl: p50 and p95 render time, and how long the first
#    snapshot took.
#
# Usage: bench/watch.sh      Knobs: N, EVERY, DURATION, SEED_SERVICES, SEED_DAYS,
# SEED_EVERY, REQUESTS, UJILAB (a binary instead of building target/release/ujilab).
# A short run: N=1000 DURATION=120 SEED_EVERY=300 bench/watch.sh
# Needs nginx, time and sqlite3 (Debian packages, installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=watch
UJILAB=${UJILAB:-target/release/ujilab}
N=${N:-1000}
EVERY=${EVERY:-30s}
DURATION=${DURATION:-600}
SEED_SERVICES=${SEED_SERVICES:-1000}
SEED_DAYS=${SEED_DAYS:-30}
SEED_EVERY=${SEED_EVERY:-30}
REQUESTS=${REQUESTS:-200}
. bench/common.sh

missing=()
command -v nginx >/dev/null || missing+=(nginx)
[ -x /usr/bin/time ] || missing+=(time)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
apt_install "${missing[@]}"
build_ujilab
say "building the seeding tool (release)"
cargo build --release --quiet -p ujilab-watch --example seed_history
SEED=target/release/examples/seed_history

start_nginx health ok 4096

# 1. Probing.
mkdir -p "$WORK/scenarios"
for i in $(seq 1 "$N"); do
    cat >"$WORK/scenarios/s$i.yaml" <<YAML
version: 1
service:
  id: bench-$i
  region: { code: "99.$((i % 50))", name: Kabupaten Bench $((i % 50)) }
  base_url: http://127.0.0.1:$NGINX_PORT
watch: { every: $EVERY }
probes:
  - id: health
    request: { path: /health }
    expect: { status: 200 }
YAML
done
say "watching $N scenarios every $EVERY for ${DURATION}s"
/usr/bin/time -f '%U %S %M' -o "$WORK/time.txt" \
    "$UJILAB" watch "$WORK/scenarios" --db "sqlite:$WORK/probe.db" --no-listen \
    --no-standards --quiet &
watcher=$!
PIDS+=($watcher)
sleep "$DURATION"
# SIGTERM to ujilab itself (time would die of it and leave ujilab running); time
# then writes its figures when ujilab has committed its last rounds and exited.
kill -TERM "$(pgrep -P "$watcher")"
wait "$watcher" || true
# The last line: time writes "Command exited with non-zero status 143" first.
read -r user sys rss_kb < <(tail -n 1 "$WORK/time.txt")
samples=$(sqlite3 "$WORK/probe.db" 'SELECT COUNT(*) FROM samples')
db_bytes=$(($(stat -c %s "$WORK/probe.db") + $(stat -c %s "$WORK/probe.db-wal" 2>/dev/null || echo 0)))
cpu=$(echo "$user + $sys" | bc -l)
per_probe_ms=$(echo "1000 * $cpu / $samples" | bc -l)
# Share of one core when 1,000 probes are made each minute.
core_share=$(echo "100 * ($cpu / $samples) * 1000 / 60" | bc -l)

# 2. History.
say "seeding $SEED_SERVICES services x $SEED_DAYS days, a sample every ${SEED_EVERY}s"
"$SEED" "$WORK/history.db" "$SEED_SERVICES" "$SEED_DAYS" "$SEED_EVERY" 7 >"$WORK/seed.txt"
sqlite3 "$WORK/history.db" 'VACUUM'
written=$(awk '/^samples_written/ { print $2 }' "$WORK/seed.txt")
history_bytes=$(stat -c %s "$WORK/history.db")
raw_bytes=$(sqlite3 "$WORK/history.db" "SELECT COUNT(*) FROM samples")
rollup_rows=$(sqlite3 "$WORK/history.db" "SELECT COUNT(*) FROM rollups")

# 3. Status page over that history (one live scenario besides).
port=$(free_port)
"$UJILAB" watch "$WORK/scenarios/s1.yaml" --db "sqlite:$WORK/history.db" \
    --listen "127.0.0.1:$port" --no-standards --quiet &
PIDS+=($!)
began=$(date +%s.%N)
until curl -fs "http://127.0.0.1:$port/api/v1/status" | grep -q "bench-$(printf %04d $((SEED_SERVICES - 1)))"; do
    sleep 0.5
done
first_snapshot=$(echo "$(date +%s.%N) - $began" | bc -l)
for _ in $(seq "$REQUESTS"); do
    curl -fs -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/"
done >"$WORK/page.txt"
page_bytes=$(curl -fs "http://127.0.0.1:$port/" | wc -c)
p50=$(sort -g "$WORK/page.txt" | awk '{ v[NR] = $1 } END { print v[int(NR * 0.50 + 0.5)] * 1000 }')
p95=$(sort -g "$WORK/page.txt" | awk '{ v[NR] = $1 } END { print v[int(NR * 0.95 + 0.5)] * 1000 }')

printf '\nujilab watch benchmark (%s, %s cores)\n' "$(uname -m)" "$(nproc)"
printf '%-48s %s\n' "probing: scenarios x interval x duration" "$N x $EVERY x ${DURATION}s"
printf '%-48s %s\n' "samples committed" "$samples"
printf '%-48s %.3f ms\n' "CPU time per probe (user+sys)" "$per_probe_ms"
printf '%-48s %.2f %% (target < 2 %%)\n' "one core per 1,000 probes a minute" "$core_share"
printf '%-48s %d MB (target < 200 MB)\n' "peak RSS" "$((rss_kb / 1024))"
printf '%-48s %.1f\n' "database bytes per sample (raw, with WAL)" "$(echo "$db_bytes / $samples" | bc -l)"
printf '%-48s %s\n' "history: services x days x interval" "$SEED_SERVICES x $SEED_DAYS d x ${SEED_EVERY}s"
printf '%-48s %s (%s raw kept, %s rollup rows)\n' "samples written" "$written" "$raw_bytes" "$rollup_rows"
printf '%-48s %d MB\n' "database after rollups and 7 d retention" "$((history_bytes / 1024 / 1024))"
printf '%-48s %.1f (target < 30)\n' "bytes per sample amortised" "$(echo "$history_bytes / $written" | bc -l)"
printf '%-48s %.1f s\n' "status page: first snapshot" "$first_snapshot"
printf '%-48s %s KB\n' "status page size" "$((page_bytes / 1024))"
printf '%-48s p50 %.1f ms, p95 %.1f ms (target p95 < 100 ms)\n' "status page render ($REQUESTS views)" "$p50" "$p95"
