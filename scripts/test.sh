#!/usr/bin/env bash
# Installs what is missing, builds with AddressSanitizer + UndefinedBehaviorSanitizer and
# warnings as errors, and runs every test (unit and end-to-end against the real binary).
#   REHOOK_SANITIZE=OFF scripts/test.sh   # quicker local runs without sanitizers
#   scripts/test.sh -R Capture            # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test

sanitize="${REHOOK_SANITIZE:-ON}"
build_dir="build/test"
[ "$sanitize" = "ON" ] && build_dir="build/test-asan"

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREHOOK_WERROR=ON \
  -DREHOOK_SANITIZE="$sanitize" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)" "$@"
