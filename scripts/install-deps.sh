#!/usr/bin/env bash
# Installs the Debian 12 packages rehook needs, skipping those already present.
# Usage: scripts/install-deps.sh run|test|bench
#   run   — what building and running the server needs
#   test  — run + what the test suite needs (PostgreSQL, clang sanitizers, openssl CLI, chromium
#           and Node.js for the dashboard's browser test, ...)
#   bench — test + load tools (wrk, nginx, hyperfine, sqlite3)
set -euo pipefail

profile="${1:-run}"

run_packages=(
  build-essential cmake ccache pkg-config git ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libpq-dev
  libhowardhinnant-date-dev libspdlog-dev libfmt-dev libcli11-dev libjemalloc-dev
)
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql openssl curl procps
  clang libclang-rt-14-dev
  chromium
)
# The dashboard's browser test (tests/browser) runs on Node.js with npm. A node already on the
# PATH is used as it is: NodeSource's nodejs bundles npm and conflicts with Debian's npm package.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  test_packages+=(nodejs npm)
fi
bench_packages=(wrk nginx-light hyperfine sqlite3)

packages=("${run_packages[@]}")
case "$profile" in
  run) ;;
  test) packages+=("${test_packages[@]}") ;;
  bench) packages+=("${test_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "installing missing packages: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
