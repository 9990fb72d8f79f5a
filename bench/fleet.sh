#!/usr/bin/env bash
# Fleet benchmark (issue 6). Sends traffic to 127.0.0.1 only.
#
# N generated scenarios (default 10,000), one probe each with one JSONPath
# assertion, against one local nginx serving a small JSON document:
#   1. ujilab, the whole set in one process;
#   2. ujilab as 4 shards side by side (4 processes), then `ujilab merge`;
#   3. the same N checks as Hurl files under `hurl --test --jobs 8`.
# Each is timed with /usr/bin/time (wall clock, peak RSS); every run must pass all
# N checks. Prints one table.
#
# Usage: bench/fleet.sh            Knobs: N (10000), JOBS (8: Hurl's --jobs and
# ujilab's --concurrency), SHARDS (4), ROUNDS (5: ujilab whole and Hurl take
# turns, medians reported), COOKIES (true; `false` writes
# `defaults: { cookies: false }` into every scenario: no cookie jars), UJILAB (a binary instead of building
# target/release/ujilab), HURL (a binary instead of installing Hurl 8.0.1).
# Tools are installed when missing: nginx and time (Debian packages, needs root),
# Hurl 8.0.1 (cargo install into bench/.tools, git-ignored; needs libxml2-dev,
# libcurl4-openssl-dev, libclang-dev and pkg-config).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-10000}
JOBS=${JOBS:-8}
SHARDS=${SHARDS:-4}
ROUNDS=${ROUNDS:-5}
COOKIES=${COOKIES:-true}
TOOLS=bench/.tools
HURL=${HURL:-$TOOLS/bin/hurl}
UJILAB=${UJILAB:-target/release/ujilab}
BENCH=fleet
# shellcheck source=bench/common.sh
. bench/common.sh

need_tools() {
    local missing=()
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
    [ -x /usr/bin/time ] || missing+=(time)
    if [ ! -x "$HURL" ]; then
        dpkg -s libxml2-dev >/dev/null 2>&1 || missing+=(libxml2-dev)
        dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || missing+=(libcurl4-openssl-dev)
        command -v pkg-config >/dev/null || missing+=(pkg-config)
        dpkg -s libclang-dev >/dev/null 2>&1 || missing+=(libclang-dev)
    fi
    apt_install "${missing[@]}"
    if [ ! -x "$HURL" ]; then
        say "installing Hurl 8.0.1 into $TOOLS (cargo install, once; a few minutes)"
        cargo install hurl@8.0.1 --locked --root "$TOOLS" >/dev/null 2>&1
    fi
    build_ujilab
}

# One nginx worker serving a small JSON document, keeping every connection open.
start_json_server() {
    start_nginx status.json '{"status":"UP","service":"bench"}' 4096 \
        'types { application/json json; } keepalive_requests 100000;'
}

generate() {
    say "generating $N scenarios and $N Hurl files"
    python3 - "$WORK" "$N" "$NGINX_PORT" "$COOKIES" <<'EOF'
import os, sys
work, n, port, cookies = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
defaults = "" if cookies == "true" else "defaults: { cookies: false }\n"

os.makedirs(f"{work}/scenarios"); os.makedirs(f"{work}/hurl")
for i in range(n):
    with open(f"{work}/scenarios/s{i:05}.yaml", "w") as f:
        f.write(f"""version: 1
service: {{ id: bench-{i:05}, base_url: "http://127.0.0.1:{port}" }}
{defaults}probes:
  - id: status
    request: {{ path: /status.json }}
    expect:
      status: 200
      json: {{ $.status: UP }}
""")
    with open(f"{work}/hurl/s{i:05}.hurl", "w") as f:
        f.write(f"""GET http://127.0.0.1:{port}/status.json
HTTP 200
[Asserts]
jsonpath "$.status" == "UP"
""")
EOF
}

# timed NAME COMMAND...: wall seconds, peak RSS (KB) and CPU seconds (user, system)
# into $WORK/NAME.time
timed() {
    local name=$1; shift
    /usr/bin/time -f '%e %M %U %S' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || true
}
wall() { awk '{ print $1 }' "$WORK/$1.time"; }
rss() { awk '{ printf "%.0f", $2 / 1024 }' "$WORK/$1.time"; }
median_of() { awk -v c="$1" '{ print $c }' "$2" | median; } # median_of COLUMN FILE
median_wall() { median_of 1 "$WORK/$1.rounds"; }
median_rss() { awk -v k="$(median_of 2 "$WORK/$1.rounds")" 'BEGIN { printf "%.0f", k / 1024 }'; }
median_cpu() { awk '{ print $3 + $4 }' "$WORK/$1.rounds" | median; }

passed() { # passed REPORT.json -> scenarios that passed
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for s in d["scenarios"] if s.get("gate") == "pass"))' "$1"
}

need_tools
start_json_server
generate

# ujilab whole and Hurl take turns, ROUNDS times, so that both meet the same
# machine; the table gives the median wall time and RSS of each.
: >"$WORK/whole.rounds"; : >"$WORK/hurl.rounds"
for round in $(seq "$ROUNDS"); do
    say "round $round/$ROUNDS: ujilab whole ($N scenarios, --concurrency $JOBS), then hurl --test --jobs $JOBS"
    timed whole "$UJILAB" run "$WORK/scenarios" --concurrency "$JOBS" --quiet --no-progress \
        --format json --out "$WORK/whole"
    cat "$WORK/whole.time" >>"$WORK/whole.rounds"
    timed hurl "$HURL" --test --jobs "$JOBS" --glob "$WORK/hurl/*.hurl"
    cat "$WORK/hurl.time" >>"$WORK/hurl.rounds"
done
whole_ok=$(passed "$WORK/whole/report.json")
hurl_ok=$(grep -Eo 'Succeeded files: +[0-9]+' "$WORK/hurl.err" "$WORK/hurl.out" | grep -Eo '[0-9]+$' | head -1 || echo '?')

say "ujilab as $SHARDS shards side by side"
start=$(date +%s.%N)
shard_pids=()
for k in $(seq "$SHARDS"); do
    timed "shard-$k" "$UJILAB" run "$WORK/scenarios" --concurrency "$JOBS" --quiet --no-progress \
        --format json --shard "$k/$SHARDS" --out "$WORK/shard-$k" &
    shard_pids+=($!)
done
wait "${shard_pids[@]}"
shards_wall=$(python3 -c "import time,sys; print(f'{time.time() - float(sys.argv[1]):.2f}')" "$start")
shards_rss=$(for k in $(seq "$SHARDS"); do rss "shard-$k"; echo; done | sort -n | tail -1)

say "ujilab merge"
timed merge "$UJILAB" merge "$WORK"/shard-*/report.json --quiet --format json --out "$WORK/merged"
timed merge-all "$UJILAB" merge "$WORK"/shard-*/report.json --quiet --out "$WORK/merged-all"
merged_ok=$(passed "$WORK/merged/report.json")


printf '\n%s scenarios (cookies: %s), one JSONPath check each, one nginx worker on 127.0.0.1\n' "$N" "$COOKIES"
printf '%-38s %10s %10s %8s %8s\n' "run" "wall (s)" "RSS (MB)" "CPU (s)" "passed"
printf '%-38s %10s %10s %8s %8s\n' "ujilab whole (--concurrency $JOBS)" "$(median_wall whole)" "$(median_rss whole)" "$(median_cpu whole)" "$whole_ok"
printf '%-38s %10s %10s %8s %8s\n' "ujilab $SHARDS shards side by side" "$shards_wall" "$shards_rss" "-" "-"
printf '%-38s %10s %10s %8s %8s\n' "ujilab merge (json)" "$(wall merge)" "$(rss merge)" "-" "$merged_ok"
printf '%-38s %10s %10s %8s %8s\n' "ujilab merge (json,html,junit,md)" "$(wall merge-all)" "$(rss merge-all)" "-" "-"
printf '%-38s %10s %10s %8s %8s\n' "hurl 8.0.1 --test --jobs $JOBS" "$(median_wall hurl)" "$(median_rss hurl)" "$(median_cpu hurl)" "$hurl_ok"
printf '(whole and hurl: medians of %s interleaved rounds; shards: peak RSS of the largest shard process)\n' "$ROUNDS"
