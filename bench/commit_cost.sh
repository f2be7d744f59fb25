#!/usr/bin/env bash
# The group commit's cost per event on SQLite, without HTTP: Google Benchmark applies and fsyncs
# batches of 16 events through the store (bench/micro/commit_cost_bench.cpp), captured only (the
# baseline) and captured with a delivery task each plus the outcomes of the batch before (what
# forwarding adds to the commit thread). Prints process CPU per event for each and the difference.
#
#   bench/commit_cost.sh [--against=BUILD_DIR]   (another tree's build, configured the same way,
#                                                 run alternately with this one)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

against=""
for arg in "$@"; do
  case "$arg" in
    --against=*) against="${arg#--against=}" ;;
    *) echo "usage: bench/commit_cost.sh [--against=BUILD_DIR]" >&2; exit 2 ;;
  esac
done

"$bench_root/scripts/install-deps.sh" bench
cmake -S "$bench_root" -B "$bench_root/build/release" -DCMAKE_BUILD_TYPE=Release \
  -DREHOOK_TESTS=OFF -DREHOOK_BENCH=ON >/dev/null
cmake --build "$bench_root/build/release" -j"$(nproc)" --target rehook_commit_cost_bench >/dev/null

# run BINARY: per event, "<CPU µs captured> <CPU µs captured + forwarded> <bytes written captured>
# <bytes written captured + forwarded>": CPU as the lowest of the repetitions (the least disturbed
# by other work on the machine), bytes (WAL frames and checkpoints) as their median.
run() {
  "$1" --benchmark_format=json | python3 -c '
import json, statistics, sys
runs = [r for r in json.load(sys.stdin)["benchmarks"] if r.get("run_type") == "iteration"]
def of(name):
    rows = [r for r in runs if r["run_name"].startswith(name)]
    if not rows or any(r.get("error_occurred") or r["time_unit"] != "ns" for r in rows):
        sys.exit("commit_cost: %s did not run: %s" % (name, rows[0].get("error_message", "") if rows else "no results"))
    # ns per batch -> µs per event
    cpu = min(r["cpu_time"] / r["events_per_batch"] for r in rows) / 1000
    return cpu, statistics.median(r["bytes_written_per_event"] for r in rows)
(c1, b1), (c2, b2) = of("BM_CaptureOnly"), of("BM_CaptureAndForward")
print("%.1f %.1f %.0f %.0f" % (c1, c2, b1, b2))'
}

binaries=("$bench_root/build/release/bench/rehook_commit_cost_bench")
[ -n "$against" ] && binaries+=("$against/bench/rehook_commit_cost_bench")
printf '%-8s %-6s %28s %28s %28s\n' build round "captured only" "captured + forwarded" \
  "forwarding adds"
printf '%-8s %-6s %29s %29s %29s\n' "" "" "µs CPU / bytes written" "µs CPU / bytes written" \
  "µs CPU / bytes written"
for round in 1 2 3; do
  for binary in "${binaries[@]}"; do
    read -r capture forward capture_bytes forward_bytes < <(run "$binary")
    name=this; [ "$binary" = "${binaries[0]}" ] || name=against
    printf '%-8s %-6s %28s %28s %28s\n' "$name" "$round" "$capture / $capture_bytes" \
      "$forward / $forward_bytes" \
      "$(awk -v a="$capture" -v b="$forward" -v c="$capture_bytes" -v d="$forward_bytes" \
        'BEGIN { printf "%.1f / %.0f", b - a, d - c }')"
  done
done
