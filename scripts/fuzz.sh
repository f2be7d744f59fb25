#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz with clang (ASan + UBSan) in build/fuzz and runs
# each for a bounded time, one at a time on one worker, starting from a copy of its seed corpus
# (tests/fuzz/corpus/<name>/). Prints per harness: runs, execs/s, coverage (cov = edges,
# ft = features, from libFuzzer's final stats) and crashes. Exits non-zero when any harness
# crashes, leaks, times out or fails a property; the failing input is kept under build/fuzz/.
#   scripts/fuzz.sh            # 60 s per harness
#   scripts/fuzz.sh 300        # longer campaign
#   scripts/fuzz.sh 30 cursor_fuzz filter_fuzz   # only these
# New corpus entries go to a temporary directory and are thrown away: the repository only holds
# the hand-written seeds.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
build_dir="build/fuzz"
jobs="${REHOOK_FUZZ_JOBS:-1}"  # build parallelism; the fuzzers themselves always use one core

all_fuzzers=(cursor_fuzz filter_fuzz http_request_fuzz iso8601_fuzz request_body_fuzz target_url_fuzz)
fuzzers=("${@:-${all_fuzzers[@]}}")

build_start=$SECONDS
# -O1 without NDEBUG: fast enough, and assert()/BOOST_ASSERT in the parsers stay armed.
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DREHOOK_FUZZ=ON -DREHOOK_TESTS=OFF \
  -DREHOOK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  >/dev/null
cmake --build "$build_dir" --target rehook_fuzzers -j"$jobs"
echo "fuzz build: $((SECONDS - build_start)) s"

work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT
artifacts="$build_dir/artifacts"
mkdir -p "$artifacts"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

printf '\n%-18s %8s %12s %10s %7s %7s %8s\n' harness seconds execs exec/s cov ft crashes
failed=()
for name in "${fuzzers[@]}"; do
  corpus="$work_dir/$name"
  mkdir -p "$corpus"
  cp tests/fuzz/corpus/"$name"/* "$corpus"/
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="$artifacts/$name-")
  [ -f "tests/fuzz/$name.dict" ] && options+=(-dict="tests/fuzz/$name.dict")
  log="$build_dir/$name.log"
  status=0
  "$build_dir/tests/fuzz/$name" "${options[@]}" "$corpus" >"$log" 2>&1 || status=$?

  # Final stats: "stat::number_of_executed_units: N" and the last "#N ... cov: C ft: F" line.
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  crashes=0
  if [ "$status" -ne 0 ]; then
    crashes=1
    failed+=("$name")
  fi
  printf '%-18s %8s %12s %10s %7s %7s %8s\n' "$name" "$seconds" "${execs:-?}" "${per_second:-?}" \
    "${cov:-?}" "${ft:-?}" "$crashes"
done

if [ "${#failed[@]}" -ne 0 ]; then
  for name in "${failed[@]}"; do
    echo >&2
    echo "== $name failed; its log ($build_dir/$name.log) ends with:" >&2
    tail -40 "$build_dir/$name.log" >&2
  done
  echo >&2
  echo "fuzzing failed: ${failed[*]}; reproduce with $build_dir/tests/fuzz/<name> <input>" \
    "(inputs saved as $artifacts/<name>-*)" >&2
  exit 1
fi
