#!/usr/bin/env bash
# Installs what is missing, builds with AddressSanitizer + UndefinedBehaviorSanitizer and
# warnings as errors, runs every test (unit and end-to-end against the real binary), then runs
# each fuzz harness for a bounded time (scripts/fuzz.sh, a separate clang build in build/fuzz).
#   REHOOK_SANITIZE=OFF scripts/test.sh   # quicker local runs without sanitizers
#   REHOOK_FUZZ_SECONDS=0 scripts/test.sh # skip fuzzing (default: 30 s per harness)
#   scripts/test.sh -R Capture            # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test

sanitize="${REHOOK_SANITIZE:-ON}"
build_dir="build/test"
[ "$sanitize" = "ON" ] && build_dir="build/test-asan"

# -O1 -g1 instead of RelWithDebInfo's -O2 -g: with the sanitizers the compiler's back end is
# most of the build (the precompiled Boost headers save little), and -O1 halves it while ASan
# still runs quickly; -g1 keeps the line tables that sanitizer reports need.
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREHOOK_WERROR=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DREHOOK_SANITIZE="$sanitize" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)" "$@"

# Six harnesses at 30 s plus a build of a few minutes keep this stage well under 15 minutes on
# two cores; scripts/fuzz.sh 300 is the longer campaign behind docs/RELIABILITY.md.
fuzz_seconds="${REHOOK_FUZZ_SECONDS:-30}"
if [ "$fuzz_seconds" != "0" ]; then
  REHOOK_FUZZ_JOBS="${REHOOK_FUZZ_JOBS:-$(nproc)}" scripts/fuzz.sh "$fuzz_seconds"
fi
