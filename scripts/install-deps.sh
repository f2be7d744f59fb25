#!/usr/bin/env bash
# Installs the Debian 12 packages rehook needs, skipping those already present.
# Usage: scripts/install-deps.sh run|package|test|bench
#   run   — what building and running the server needs
#   package — run + what building the Debian package needs (scripts/package.sh)
#   test  — run + what the test suite needs (PostgreSQL, clang sanitizers, openssl CLI, chromium
#           and Node.js for the dashboard's browser test, dpkg-dev and debootstrap for the
#           package's install test, ...)
#   bench — test + load tools (wrk, nginx, hyperfine, sqlite3)
set -euo pipefail

profile="${1:-run}"

run_packages=(
  build-essential cmake ccache pkg-config git ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev libpq-dev
  libhowardhinnant-date-dev libspdlog-dev libfmt-dev libcli11-dev libjemalloc-dev
  libuv1 libc-ares2 libnghttp2-14 libbrotli1 libicu72 zlib1g
)
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql openssl curl procps
  clang libclang-rt-14-dev
  chromium
  dpkg-dev debootstrap
)
# The dashboard's browser test (tests/browser) runs on Node.js with npm. A node already on the
# PATH is used as it is: NodeSource's nodejs bundles npm and conflicts with Debian's npm package.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  test_packages+=(nodejs npm)
fi
package_packages=(dpkg-dev)
bench_packages=(wrk nginx-light hyperfine sqlite3)

packages=("${run_packages[@]}")
case "$profile" in
  run) ;;
  package) packages+=("${package_packages[@]}") ;;
  test) packages+=("${test_packages[@]}") ;;
  bench) packages+=("${test_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: $0 run|package|test|bench" >&2; exit 2 ;;
esac

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
updated=0
apt_update() {
  if [ "$updated" -eq 0 ]; then "${sudo_cmd[@]}" apt-get update -qq; updated=1; fi
}

if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing missing packages: ${missing[*]}" >&2
  apt_update
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Unpacks Debian packages into a directory of their own, without installing them: for files
# that are needed but whose package cannot or should not be installed.
unpack_debs() {
  local root="$1"
  shift
  apt_update
  local download_dir
  download_dir="$(mktemp -d)"
  chmod 0777 "$download_dir"  # apt downloads as its own user
  (cd "$download_dir" && apt-get download -qq "$@" >/dev/null)
  "${sudo_cmd[@]}" mkdir -p "$root"
  for deb in "$download_dir"/*.deb; do "${sudo_cmd[@]}" dpkg-deb -x "$deb" "$root"; done
  rm -rf "$download_dir"
}

# V8, which runs transformations, comes from Debian's libnode108 and libnode-dev
# (docs/ARCHITECTURE.md, "Transformations"). Where apt can install them, it does. A NodeSource
# nodejs (the one the browser test runs on, on these machines) declares that it conflicts with
# libnode108 and ships node 20's headers in /usr/include/node; there the two Debian packages are
# unpacked into /opt/rehook/libnode instead, which CMake looks in first.
libnode_root=/opt/rehook/libnode
libnode_lib=usr/lib/x86_64-linux-gnu/libnode.so.108
if [ ! -e "/$libnode_lib" ] && [ ! -e "$libnode_root/$libnode_lib" ]; then
  apt_update
  if apt-get install -s -qq libnode-dev >/dev/null 2>&1; then
    echo "installing libnode-dev" >&2
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends libnode-dev >/dev/null
  else
    echo "unpacking Debian's libnode108 and libnode-dev into $libnode_root" >&2
    unpack_debs "$libnode_root" libnode108 libnode-dev
  fi
fi

# promtool checks and unit-tests the example alerting rules (docs/monitoring). It comes with
# Debian's prometheus package, which would also install and start a Prometheus server: only the
# package's files are unpacked, into /opt/rehook/prometheus.
if [ "$profile" != "run" ] && ! command -v promtool >/dev/null &&
  [ ! -x /opt/rehook/prometheus/usr/bin/promtool ]; then
  echo "unpacking Debian's prometheus (for promtool) into /opt/rehook/prometheus" >&2
  unpack_debs /opt/rehook/prometheus prometheus
fi
