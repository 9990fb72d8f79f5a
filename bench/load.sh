#!/usr/bin/env bash
# Load engine benchmark (issue 3). Sends traffic to 127.0.0.1 only.
#
#  1. Throughput: one nginx worker serving a small static file on a free loopback
#     port; ujilab's closed model, oha and wrk in turn at the same concurrency and
#     duration, several rounds; median requests/s of each, ujilab's ratios.
#  2. Memory: ujilab's peak RSS (/usr/bin/time -v) for 100k and 1M requests.
#  3. Honest latency: the sandbox with a stall knob (every 10 s it holds every
#     answer for 1 s); open model at 200/s for 60 s. Expected p95 ~500 ms and
#     p99 ~900 ms (10% of arrivals land in a stall and wait a uniform 0-1 s);
#     ujilab beside oha with and without --latency-correction.
#
#  4. Overhead (not in `all`): the throughput of two ujilab binaries against the same
#     nginx, alternating round by round (BASE, the binary before a change, and
#     UJILAB); the median ratio says what the change costs the load engine. Used for
#     the per-request phase timings (issue 15: at most 3%).
#
# Usage: bench/load.sh [throughput|memory|latency|all|overhead]   (default: all)
#        BASE=path/to/old/ujilab bench/load.sh overhead
# Knobs: ROUNDS (5), DURATION (10, seconds), CONCURRENCY (64), STALL_RUN (60 s),
# UJILAB (a binary to use instead of building target/release/ujilab).
# Tools are installed when missing: nginx, wrk and time (Debian packages, needs
# root), oha (cargo install into bench/.tools, git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10}
CONCURRENCY=${CONCURRENCY:-64}
STALL_RUN=${STALL_RUN:-60}
WHAT=${1:-all}
TOOLS=bench/.tools
OHA=$TOOLS/bin/oha
UJILAB=${UJILAB:-target/release/ujilab}
BENCH=load
# shellcheck source=bench/common.sh
. bench/common.sh

need_packages() {
    local missing=()
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
    command -v wrk >/dev/null || missing+=(wrk)
    [ -x /usr/bin/time ] || missing+=(time)
    apt_install "${missing[@]}"
    if [ ! -x "$OHA" ]; then
        say "installing oha into $TOOLS (cargo install, once)"
        cargo install oha --locked --root "$TOOLS" >/dev/null 2>&1
    fi
    build_ujilab
}

json() { # json FILE PYTHON-EXPRESSION-ON-d
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}

# One nginx worker serving a small static page (nginx's defaults otherwise).
start_page_server() {
    start_nginx index.html 'Kabupaten Contoh: benchmark page.' 1024
}

# closed-model scenario against nginx: closed_scenario FILE END (e.g. "duration: 10s")
closed_scenario() {
    cat >"$1" <<EOF
version: 1
service: { id: bench-nginx, base_url: "http://127.0.0.1:$NGINX_PORT" }
probes:
  - id: page
    request: { path: /index.html }
load:
  probes: [page]
  model: closed
  concurrency: $CONCURRENCY
  $2
EOF
}

run_ujilab() { # run_ujilab SCENARIO OUT -> report.json in OUT
    "$UJILAB" run "$1" --out "$2" --format json --no-progress --quiet >/dev/null 2>&1 || true
}

cpu_us_per_request() { # cpu_us_per_request TIMEFILE REQUESTS
    awk -v n="$2" '{ printf "%.1f", ($1 + $2) * 1e6 / n }' "$1"
}

throughput() {
    start_page_server
    local url="http://127.0.0.1:$NGINX_PORT/index.html"
    closed_scenario "$WORK/closed.yaml" "duration: ${DURATION}s"
    say "throughput: nginx (1 worker) on 127.0.0.1:$NGINX_PORT, c=$CONCURRENCY, ${DURATION}s x $ROUNDS rounds"
    local tool
    for tool in ujilab oha wrk; do : >"$WORK/$tool.rps"; : >"$WORK/$tool.cpu"; done
    local timed=(/usr/bin/time -f "%U %S" -o)
    for round in $(seq "$ROUNDS"); do
        "${timed[@]}" "$WORK/ujilab.time" "$UJILAB" run "$WORK/closed.yaml" --out "$WORK/out-$round" \
            --format json --no-progress --quiet >/dev/null 2>&1 || true
        local report="$WORK/out-$round/report.json"
        local u un failed
        u=$(json "$report" 'd["scenarios"][0]["load"]["throughput_rps"]')
        un=$(json "$report" 'd["scenarios"][0]["load"]["requests"]')
        failed=$(json "$report" 'd["scenarios"][0]["load"]["failed"]')
        echo "$u" >>"$WORK/ujilab.rps"
        cpu_us_per_request "$WORK/ujilab.time" "$un" >>"$WORK/ujilab.cpu"; echo >>"$WORK/ujilab.cpu"

        "${timed[@]}" "$WORK/oha.time" "$OHA" -z "${DURATION}s" -c "$CONCURRENCY" --no-tui \
            --output-format json "$url" >"$WORK/oha-$round.json" 2>/dev/null
        local o on
        o=$(json "$WORK/oha-$round.json" 'd["summary"]["requestsPerSec"]')
        on=$(json "$WORK/oha-$round.json" 'sum(d["statusCodeDistribution"].values())')
        echo "$o" >>"$WORK/oha.rps"
        cpu_us_per_request "$WORK/oha.time" "$on" >>"$WORK/oha.cpu"; echo >>"$WORK/oha.cpu"

        "${timed[@]}" "$WORK/wrk.time" wrk -t2 -c"$CONCURRENCY" -d"${DURATION}s" "$url" >"$WORK/wrk-$round.txt"
        local w wn
        w=$(awk '/^Requests\/sec/ { print $2 }' "$WORK/wrk-$round.txt")
        wn=$(awk '/requests in/ { print $1 }' "$WORK/wrk-$round.txt")
        echo "$w" >>"$WORK/wrk.rps"
        cpu_us_per_request "$WORK/wrk.time" "$wn" >>"$WORK/wrk.cpu"; echo >>"$WORK/wrk.cpu"

        say "  round $round: ujilab $(printf %.0f "$u") req/s ($failed failed), oha $(printf %.0f "$o"), wrk $(printf %.0f "$w")"
    done
    local mu mo mw
    mu=$(median <"$WORK/ujilab.rps"); mo=$(median <"$WORK/oha.rps"); mw=$(median <"$WORK/wrk.rps")
    echo "throughput (median of $ROUNDS, c=$CONCURRENCY, ${DURATION}s each): ujilab $(printf %.0f "$mu") req/s, oha $(printf %.0f "$mo"), wrk $(printf %.0f "$mw")"
    echo "ratios: ujilab/oha $(awk -v a="$mu" -v b="$mo" 'BEGIN { printf "%.2f", a / b }'), ujilab/wrk $(awk -v a="$mu" -v b="$mw" 'BEGIN { printf "%.2f", a / b }')"
    echo "client CPU per request (user+sys, median): ujilab $(median <"$WORK/ujilab.cpu") us, oha $(median <"$WORK/oha.cpu") us, wrk $(median <"$WORK/wrk.cpu") us"
}

memory() {
    [ -n "${NGINX_PORT:-}" ] || start_page_server
    for n in 100000 1000000; do
        closed_scenario "$WORK/count-$n.yaml" "requests: $n"
        /usr/bin/time -v "$UJILAB" run "$WORK/count-$n.yaml" --out "$WORK/count-$n" --format json --no-progress --quiet \
            >/dev/null 2>"$WORK/time-$n.txt" || true
        local rss; rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time-$n.txt")
        local done; done=$(json "$WORK/count-$n/report.json" 'd["scenarios"][0]["load"]["requests"]')
        echo "peak RSS for $n requests (closed, c=$CONCURRENCY): $(awk -v k="$rss" 'BEGIN { printf "%.1f MiB", k / 1024 }') ($done requests counted)"
    done
}

latency() {
    local http https
    http=$(free_port); https=$(free_port)
    "$UJILAB" sandbox --http "127.0.0.1:$http" --https "127.0.0.1:$https" --ca-out "$WORK/ca.pem" \
        --stall-every 10s --stall-for 1s >/dev/null 2>&1 &
    PIDS+=($!)
    for _ in $(seq 50); do [ -s "$WORK/ca.pem" ] && break; sleep 0.1; done
    sleep 0.5
    cat >"$WORK/stall.yaml" <<EOF
version: 1
service: { id: bench-stall, base_url: "https://dukcapil.contohkab.go.id:$https" }
defaults:
  resolve: { dukcapil.contohkab.go.id: 127.0.0.1 }
  tls: { ca_file: "$WORK/ca.pem" }
probes:
  - id: health
    request: { path: /health }
load:
  probes: [health]
  model: open
  rate: 200/s
  concurrency: 50
  duration: ${STALL_RUN}s
EOF
    say "latency: sandbox stalls 1 s every 10 s; open model 200/s for ${STALL_RUN}s, 50 in flight at most"
    run_ujilab "$WORK/stall.yaml" "$WORK/stall"
    local p95 p99 req dropped
    p95=$(json "$WORK/stall/report.json" 'd["scenarios"][0]["load"]["latency_ms"]["p95"]')
    p99=$(json "$WORK/stall/report.json" 'd["scenarios"][0]["load"]["latency_ms"]["p99"]')
    req=$(json "$WORK/stall/report.json" 'd["scenarios"][0]["load"]["requests"]')
    dropped=$(json "$WORK/stall/report.json" 'd["scenarios"][0]["load"]["dropped"]')
    echo "stall run (expected p95 ~500 ms, p99 ~900 ms): ujilab p95 $p95 ms, p99 $p99 ms ($req requests, $dropped dropped)"
    local target="https://dukcapil.contohkab.go.id/health"
    local common=(-z "${STALL_RUN}s" -q 200 -c 50 --no-tui --output-format json
        --cacert "$WORK/ca.pem" --connect-to "dukcapil.contohkab.go.id:443:127.0.0.1:$https")
    for mode in plain corrected; do
        local extra=()
        [ "$mode" = corrected ] && extra=(--latency-correction)
        "$OHA" "${common[@]}" "${extra[@]}" "$target" >"$WORK/oha-$mode.json" 2>/dev/null
        local o95 o99
        o95=$(json "$WORK/oha-$mode.json" 'round(d["latencyPercentiles"]["p95"]*1000, 1)')
        o99=$(json "$WORK/oha-$mode.json" 'round(d["latencyPercentiles"]["p99"]*1000, 1)')
        echo "oha ($([ "$mode" = corrected ] && echo "with" || echo "without") --latency-correction): p95 $o95 ms, p99 $o99 ms"
    done
}

overhead() {
    [ -n "${BASE:-}" ] || { say "overhead: set BASE to the ujilab binary to compare with"; exit 2; }
    start_page_server
    closed_scenario "$WORK/closed.yaml" "duration: ${DURATION}s"
    say "overhead: nginx (1 worker), c=$CONCURRENCY, ${DURATION}s x $ROUNDS rounds, $BASE vs $UJILAB"
    : >"$WORK/base.rps"; : >"$WORK/new.rps"
    for round in $(seq "$ROUNDS"); do
        local which binary
        for which in base new; do
            binary=$UJILAB; [ "$which" = base ] && binary=$BASE
            "$binary" run "$WORK/closed.yaml" --out "$WORK/$which-$round" --format json \
                --no-progress --quiet >/dev/null 2>&1 || true
            json "$WORK/$which-$round/report.json" 'd["scenarios"][0]["load"]["throughput_rps"]' >>"$WORK/$which.rps"
        done
        say "  round $round: base $(tail -1 "$WORK/base.rps" | xargs printf %.0f) req/s, new $(tail -1 "$WORK/new.rps" | xargs printf %.0f) req/s"
    done
    local mb mn
    mb=$(median <"$WORK/base.rps"); mn=$(median <"$WORK/new.rps")
    echo "overhead (median of $ROUNDS, c=$CONCURRENCY, ${DURATION}s each): base $(printf %.0f "$mb") req/s, new $(printf %.0f "$mn") req/s, new/base $(awk -v a="$mn" -v b="$mb" 'BEGIN { printf "%.3f", a / b }')"
}

if [ "$WHAT" = overhead ]; then
    apt_install $(command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || echo nginx)
    build_ujilab
    overhead
    exit 0
fi
need_packages
case "$WHAT" in
    throughput) throughput ;;
    memory) memory ;;
    latency) latency ;;
    all) throughput; memory; latency ;;
    *) say "usage: $0 [throughput|memory|latency|all]"; exit 2 ;;
esac
