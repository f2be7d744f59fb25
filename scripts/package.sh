#!/usr/bin/env bash
# Builds the Debian package build/package/rehook_<version>_amd64.deb from a Release build:
#   /usr/bin/rehook, the systemd unit /lib/systemd/system/rehook.service (its own system user
#   `rehook`, state in /var/lib/rehook, hardened), /etc/rehook/rehook.env (the REHOOK_*
#   variables; a conffile), the docs in /usr/share/doc/rehook. Depends: from dpkg-shlibdeps.
# Install it with `apt install ./build/package/rehook_<version>_amd64.deb`; tests/package/
# install_test.sh installs it into a clean Debian 12 root and starts it there.
#   scripts/package.sh [output dir=build/package]
#   REHOOK_PACKAGE_FROM=build/test-asan scripts/package.sh DIR   # package that build's binary
#     instead of building Release (the test suite's install test: it does not build rehook twice)
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-build/package}")"

build="${REHOOK_PACKAGE_FROM:-}"
if [ -z "$build" ]; then
  scripts/install-deps.sh package
  build=build/release
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DREHOOK_TESTS=OFF >/dev/null
  cmake --build "$build" -j"$(nproc)" --target rehook >/dev/null
fi

version=$(sed -n 's/^project(rehook .*VERSION \([0-9][0-9.]*\)).*/\1/p' CMakeLists.txt)
name="rehook_${version}_amd64"
stage="$out/$name"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/lib/systemd/system" "$stage/etc/rehook" \
  "$stage/usr/share/doc/rehook/monitoring"

cmake --install "$build" --prefix "$stage/usr" --strip >/dev/null
install -m 0644 packaging/debian/rehook.service "$stage/lib/systemd/system/rehook.service"
install -m 0640 packaging/debian/rehook.env "$stage/etc/rehook/rehook.env"
install -m 0644 README.md docs/*.md "$stage/usr/share/doc/rehook/"
install -m 0644 docs/monitoring/* "$stage/usr/share/doc/rehook/monitoring/"
install -m 0644 packaging/debian/copyright "$stage/usr/share/doc/rehook/copyright"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm \
  "$stage/DEBIAN/"
echo /etc/rehook/rehook.env >"$stage/DEBIAN/conffiles"

# The runtime libraries' packages, as dpkg-shlibdeps finds them (it wants a debian/control to
# run beside). V8's libnode.so.108 may be unpacked in /opt/rehook/libnode rather than installed
# (scripts/install-deps.sh): then dpkg knows no package for it, and it is Debian's libnode108.
shlibs="$(mktemp -d)"
trap 'rm -rf "$shlibs"' EXIT
mkdir -p "$shlibs/debian"
printf 'Source: rehook\n\nPackage: rehook\nArchitecture: amd64\n' >"$shlibs/debian/control"
depends=$(cd "$shlibs" && dpkg-shlibdeps -O --ignore-missing-info \
  -l/opt/rehook/libnode/usr/lib/x86_64-linux-gnu "$stage/usr/bin/rehook" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
depends="$depends, procps"  # /bin/kill, the unit's ExecReload
if readelf -d "$stage/usr/bin/rehook" | grep -q 'libnode\.so\.108' && [[ "$depends" != *libnode108* ]]; then
  depends="$depends, libnode108"
fi

installed_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<CONTROL
Package: rehook
Version: $version
Architecture: amd64
Maintainer: rehook maintainers <maintainers@rehook.invalid>
Section: net
Priority: optional
Installed-Size: $installed_kb
Depends: $depends
Description: self-hosted webhook gateway centred on replay
 rehook captures every webhook your providers send (Stripe, GitHub, Shopify, ...), stores it
 durably, forwards it to your services, and re-delivers history when something went wrong:
 a time range as a rate-limited replay job, or one captured request to any HTTPS URL.
CONTROL

dpkg-deb --root-owner-group --build "$stage" "$out/$name.deb" >/dev/null
rm -rf "$stage"
echo "$out/$name.deb"
