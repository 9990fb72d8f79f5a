#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, on stable Rust.
#
#   fuzz/run.sh 15                      # CI: 15 s per target
#   fuzz/run.sh 300 scenario_loader     # a longer campaign of one target
#
# The same build as `cargo fuzz build -s none` (cargo-fuzz's instrumentation
# flags, no sanitizer: ASan needs a nightly compiler), without installing
# cargo-fuzz; `cargo fuzz run -s none TARGET` works on this folder as well.
# Seeds: fuzz/seeds/<target>, plus tests/bad and scenarios/demo (scenario_loader)
# and tests/expected (report_merge; seeds/report_merge holds a real demo report).
# New inputs go to fuzz/corpus/<target>, crashes to fuzz/artifacts/<target>/;
# the exit status is libFuzzer's (non-zero on a crash, a leak or a timeout).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-15}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(scenario_loader matcher report_merge html_page)

host="$(rustc -vV | sed -n 's/^host: //p')"
target_dir="${CARGO_TARGET_DIR:-target}"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing \
-Cllvm-args=-simplifycfg-branch-fold-threshold=0 -Cllvm-args=-sanitizer-coverage-stack-depth \
-Ccodegen-units=1"
# --target keeps the instrumentation out of build scripts and proc macros.
cargo build --release --locked --target "$host" \
  --config 'profile.release.debug="line-tables-only"' --bins

for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "artifacts/$target"
  seeds=("seeds/$target")
  case "$target" in
    scenario_loader) seeds+=(../tests/bad ../scenarios/demo) ;;
    report_merge) seeds+=(../tests/expected) ;;
  esac
  if [ -d "regressions/$target" ]; then seeds+=("regressions/$target"); fi
  echo "== fuzz $target for ${seconds}s"
  "$target_dir/$host/release/$target" "corpus/$target" "${seeds[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
    -artifact_prefix="artifacts/$target/" -print_final_stats=1 -close_fd_mask=3
done
