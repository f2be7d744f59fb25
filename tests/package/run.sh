#!/usr/bin/env bash
# ctest's package.install: packages BUILD_DIR's binary (scripts/package.sh with
# REHOOK_PACKAGE_FROM, so the suite does not build rehook a second time) into OUT_DIR and
# installs that package into a clean Debian 12 root (install_test.sh). Needs root for
# debootstrap and chroot: skipped (exit 77) without it.
#   tests/package/run.sh BUILD_DIR OUT_DIR
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: needs root (debootstrap, chroot)"
  exit 77
fi
here="$(cd "$(dirname "$0")" && pwd)"
deb=$(REHOOK_PACKAGE_FROM="$1" "$here/../../scripts/package.sh" "$2" | tail -1)
"$here/install_test.sh" "$deb"
