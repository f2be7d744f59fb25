#!/usr/bin/env bash
# Builds rehook (Release) and runs `rehook serve` on the embedded SQLite store.
# Extra arguments go to `rehook serve`, e.g. scripts/run.sh --listen 0.0.0.0:8080
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh run
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DREHOOK_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)" --target rehook
exec build/release/src/rehook serve "$@"
