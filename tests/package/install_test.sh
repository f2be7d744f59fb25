#!/usr/bin/env bash
# Installs the Debian package into a clean Debian 12 root and runs rehook from it, as its
# service would run: a minimal bookworm made with debootstrap from Debian's packages (kept as
# a tarball between runs), the package installed with apt (so its Depends must name every
# library the binary needs), then `rehook --version`, the system user and the configuration's
# permissions, the systemd unit checked with systemd-analyze, and `rehook serve` started as the
# rehook user with /etc/rehook/rehook.env on loopback: it answers, captures a webhook and
# stops cleanly on SIGTERM. Finally the package is purged: the binary goes, the data stays.
#   tests/package/install_test.sh DEB
# Needs root (debootstrap, chroot). Everything it starts listens on 127.0.0.1 only.
set -euo pipefail

deb="$(realpath "$1")"
version=$(dpkg-deb -f "$deb" Version)
work="$(mktemp -d /tmp/rehook-package-XXXXXX)"
root="$work/root"
cache="${REHOOK_CLEAN_ROOT_CACHE:-/var/cache/rehook/bookworm-minbase.tar}"
server_pid=""

cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/serve.log" ] && tail -20 "$work/serve.log" >&2; exit 1; }
step() { echo "-- $*"; }

mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror="${mirror:-http://deb.debian.org/debian}"
if [ -f "$cache" ]; then
  step "clean root: from $cache"
  mkdir -p "$root"
  tar -C "$root" -xf "$cache"
else
  step "clean root: debootstrap --variant=minbase bookworm ($mirror)"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap"; }
  mkdir -p "$(dirname "$cache")"
  tar -C "$root" -cf "$cache.partial" . && mv "$cache.partial" "$cache"
fi
# The host's apt sources (the same mirror, and security updates), nothing of the host's packages.
rm -f "$root"/etc/apt/sources.list
cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/" 2>/dev/null ||
  echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list"
mount -t proc proc "$root/proc"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
[ ! -e "$root/usr/bin/rehook" ] || fail "the clean root already has rehook"

step "apt install ./$(basename "$deb")"
cp "$deb" "$root/tmp/rehook.deb"
in_root apt-get update -qq >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get update"; }
# systemd too, as on the servers the package is for (not running here: postinst then leaves the
# service alone), so that the unit can be checked against it.
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  /tmp/rehook.deb systemd >>"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log" >&2; fail "apt-get install"; }

step "what the package put in place"
in_root rehook --version | tee "$work/version"
grep -q "^rehook $version (commit [0-9a-f]" "$work/version" || fail "rehook --version: $(cat "$work/version")"
in_root ldd /usr/bin/rehook | grep -q "not found" && fail "libraries missing: $(in_root ldd /usr/bin/rehook | grep 'not found')"
in_root getent passwd rehook | grep -q ':/var/lib/rehook:/usr/sbin/nologin$' || fail "no rehook system user"
# stat inside the root: its users and groups are not the host's.
env_mode=$(in_root stat -c '%U:%G %a' /etc/rehook/rehook.env)
[ "$env_mode" = "root:rehook 640" ] || fail "rehook.env is $env_mode"
[ -f "$root/lib/systemd/system/rehook.service" ] || fail "no systemd unit"
[ -f "$root/usr/share/doc/rehook/OPERATIONS.md" ] || fail "no docs"
if command -v systemd-analyze >/dev/null; then
  # Checks the unit's syntax and that ExecStart's binary exists, inside the clean root.
  systemd-analyze verify --root="$root" /lib/systemd/system/rehook.service 2>"$work/verify.log" ||
    { cat "$work/verify.log" >&2; fail "systemd-analyze verify"; }
  if grep -v "^$" "$work/verify.log" | grep -qi "rehook.service"; then
    cat "$work/verify.log" >&2
    fail "systemd-analyze verify has remarks on rehook.service"
  fi
fi
for option in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes StateDirectory=rehook \
  User=rehook EnvironmentFile=/etc/rehook/rehook.env; do
  grep -q "^$option$" "$root/lib/systemd/system/rehook.service" || fail "the unit lacks $option"
done

step "rehook serve as the service runs it (user rehook, /etc/rehook/rehook.env)"
# What systemd's StateDirectory= would make.
install -d -m 0700 "$root/var/lib/rehook"
in_root chown rehook:rehook /var/lib/rehook
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /bin/sh -c \
  "set -a; . /etc/rehook/rehook.env; REHOOK_LISTEN=127.0.0.1:$port; set +a;
   exec setpriv --reuid=rehook --regid=rehook --init-groups --no-new-privs /usr/bin/rehook serve" \
  >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do grep -q "listening on" "$work/serve.log" && break; sleep 0.05; done
grep -q "listening on http://127.0.0.1:$port" "$work/serve.log" || fail "rehook did not start"
key=$(cat "$root/var/lib/rehook/admin.key")
store_owner=$(in_root stat -c '%U' /var/lib/rehook/rehook.db)
[ "$store_owner" = rehook ] || fail "the store belongs to $store_owner"
url="http://127.0.0.1:$port"
curl -sf "$url/readyz" >/dev/null || fail "/readyz"
source_id=$(curl -sf -X POST "$url/v1/sources" -H "X-API-Key: $key" -d '{"name":"stripe"}' |
  sed -E 's/.*"id":"([^"]+)".*/\1/')
event_id=$(curl -sf -X POST "$url/in/$source_id" -H 'Content-Type: application/json' \
  -d '{"type":"charge.succeeded"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
curl -sf "$url/v1/events/$event_id" -H "X-API-Key: $key" | grep -q 'charge.succeeded' ||
  fail "the captured event does not read back"
kill -TERM "$server_pid"
wait "$server_pid" || fail "rehook serve exited with $? on SIGTERM"
server_pid=""

step "apt purge rehook: the binary goes, the captured webhooks stay"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq rehook >>"$work/apt.log" 2>&1 ||
  { tail -20 "$work/apt.log" >&2; fail "apt-get purge"; }
[ ! -e "$root/usr/bin/rehook" ] || fail "the binary is still there"
[ -f "$root/var/lib/rehook/rehook.db" ] || fail "the store went with the package"
echo "PASS: $(basename "$deb") installs into a clean Debian 12 root and runs there"
