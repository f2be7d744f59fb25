#!/usr/bin/env bash
# Upgrade test: a store written by an earlier rehook, through its real binary, opens in this one.
# Builds OLD_COMMIT (Release, in a git worktree under build/upgrade/, the binary kept for the next
# run), lets it make a store (a source, a disabled destination, a disabled connection, 50
# captured webhooks with headers and query strings), stops it, then starts NEW_BINARY on the same
# data directory and checks: each migration logged (store.migrated), the events list identical,
# every event's body, headers and query read back unchanged, the source, destination and
# connection as they were, and that it captures and answers /v1/stats afterwards.
#   tests/upgrade/upgrade_test.sh [OLD_COMMIT=6e095d8] [NEW_BINARY=build/release/src/rehook]
# A manual pre-release check (building an old commit takes ~15 minutes on two cores), not part
# of scripts/test.sh; docs/OPERATIONS.md "Upgrades" records its runs. Everything listens on
# 127.0.0.1 only, and nothing is delivered (the connection is disabled).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"

old_commit=$(git rev-parse --short=12 "${1:-6e095d8}")
new_binary="$(realpath "${2:-build/release/src/rehook}")"
keep="$repo/build/upgrade"
old_binary="$keep/rehook-$old_commit"
work="$(mktemp -d /tmp/rehook-upgrade-XXXXXX)"
server_pid=""

cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  if [ -d "$keep/src-$old_commit" ]; then
    git worktree remove --force "$keep/src-$old_commit" 2>/dev/null || true
    git worktree prune
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/serve.log" ] && tail -20 "$work/serve.log" >&2; exit 1; }
step() { echo "-- $*"; }

[ -x "$new_binary" ] || fail "no binary at $new_binary (build it: cmake --build build/release)"
if [ ! -x "$old_binary" ]; then
  step "building $old_commit (Release) in a worktree"
  mkdir -p "$keep"
  git worktree add --detach "$keep/src-$old_commit" "$old_commit" >/dev/null
  cmake -S "$keep/src-$old_commit" -B "$keep/build-$old_commit" -DCMAKE_BUILD_TYPE=Release \
    -DREHOOK_TESTS=OFF >"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; fail "cmake"; }
  cmake --build "$keep/build-$old_commit" -j"$(nproc)" --target rehook >>"$work/build.log" 2>&1 ||
    { tail -30 "$work/build.log"; fail "building $old_commit"; }
  cp "$keep/build-$old_commit/src/rehook" "$old_binary"
  rm -rf "$keep/build-$old_commit"
fi

data="$work/data"
# One port for both servers: the ingest URLs they answer name it.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# start BINARY: serve on $port over $data; sets url, key and server_pid.
start() {
  : >"$work/serve.log"
  "$1" serve --listen "127.0.0.1:$port" --data-dir "$data" --log-level info >"$work/stdout" \
    2>"$work/serve.log" &
  server_pid=$!
  url=""
  for _ in $(seq 1 200); do
    url=$(grep -oE 'http://127.0.0.1:[0-9]+' "$work/stdout" 2>/dev/null | head -1 || true)
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || fail "$1 exited"
    sleep 0.05
  done
  [ -n "$url" ] || fail "$1 did not start"
  key=$(cat "$data/admin.key")
}
stop() {
  kill "$server_pid"
  wait "$server_pid" || fail "the server did not stop cleanly"
  server_pid=""
}
api() { curl -sf -H "X-API-Key: $key" -H 'Content-Type: application/json' "$@"; }
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# The store's schema version (SQLite's user_version).
schema_version() {
  python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$data/rehook.db"
}

step "the old binary ($old_commit) makes a store"
start "$old_binary"
source_id=$(api -X POST "$url/v1/sources" -d '{"name":"stripe"}' | field id)
destination_id=$(api -X POST "$url/v1/destinations" \
  -d '{"name":"orders","url":"https://93.184.216.34/hooks","enabled":false}' | field id)
connection_id=$(api -X POST "$url/v1/connections" \
  -d "{\"source_id\":\"$source_id\",\"destination_id\":\"$destination_id\",\"enabled\":false}" |
  field id)
for n in $(seq 1 50); do
  curl -sf -o /dev/null -X POST "$url/in/$source_id?n=$n" -H "X-Upgrade-Test: $n" \
    -H 'Content-Type: application/json' -d "{\"n\":$n,\"text\":\"webhook number $n\"}" ||
    fail "capture $n"
done
# What a user sees before the upgrade: the list, each event in full, the configuration.
snapshot() {
  local out="$1"
  mkdir -p "$out"
  api "$url/v1/events?limit=100" >"$out/list.json"
  python3 -c 'import json, sys; [print(e["id"]) for e in json.load(open(sys.argv[1]))["data"]]' \
    "$out/list.json" >"$out/ids"
  while read -r id; do api "$url/v1/events/$id" >"$out/$id.json"; done <"$out/ids"
  api "$url/v1/sources/$source_id" >"$out/source.json"
  api "$url/v1/destinations/$destination_id" >"$out/destination.json"
  api "$url/v1/connections/$connection_id" >"$out/connection.json"
}
snapshot "$work/before"
[ "$(wc -l <"$work/before/ids")" = 50 ] || fail "the old binary lists $(wc -l <"$work/before/ids") events"
stop
old_schema=$(schema_version)

step "this binary opens it ($new_binary)"
start "$new_binary"
new_schema=$(schema_version)
[ "$new_schema" -gt "$old_schema" ] || echo "   (no migration between schema $old_schema and $new_schema)"
for version in $(seq $((old_schema + 1)) "$new_schema"); do
  grep -qE "store.migrated.*\"schema_version\":\"?$version\b" "$work/serve.log" ||
    fail "no store.migrated line for schema $version"
done
snapshot "$work/after"

step "what was stored reads back the same"
# Every field the old binary answered is answered the same (a newer one may add fields).
python3 - "$work/before" "$work/after" <<'PY' || fail "the store changed in the upgrade"
import json, os, sys
before, after = sys.argv[1], sys.argv[2]
def same(old, new, where):
    if isinstance(old, dict):
        if not isinstance(new, dict):
            sys.exit(f"{where}: {new!r} is not an object")
        for k, v in old.items():
            if k not in new:
                sys.exit(f"{where}.{k} is gone")
            same(v, new[k], f"{where}.{k}")
    elif isinstance(old, list):
        if not isinstance(new, list) or len(old) != len(new):
            sys.exit(f"{where}: {len(old)} items before, {new!r:.80} after")
        for i, (o, n) in enumerate(zip(old, new)):
            same(o, n, f"{where}[{i}]")
    elif old != new:
        sys.exit(f"{where}: {old!r} before, {new!r} after")
names = sorted(os.listdir(before))
for name in names:
    if name == "ids":
        continue
    with open(os.path.join(before, name)) as b, open(os.path.join(after, name)) as a:
        old, new = json.load(b), json.load(a)
    if name == "destination.json":  # its circuit's live state is not stored data
        old.pop("circuit", None)
    same(old, new, name)
with open(os.path.join(after, "list.json")) as f:
    events = json.load(f)["data"]
for e in events:
    with open(os.path.join(after, e["id"] + ".json")) as f:
        full = json.load(f)
    n = json.loads(full["body"])["n"]
    if full["body"] != json.dumps({"n": n, "text": f"webhook number {n}"}, separators=(",", ":")):
        sys.exit(f"{e['id']}: body {full['body']!r}")
print(f"   {len(names) - 1} documents compared, {len(events)} bodies checked")
PY

step "and keeps working"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/in/$source_id" -d '{"n":51}')
[ "${code:0:1}" = 2 ] || fail "capture after the upgrade answered $code"
count=$(api "$url/v1/events?limit=100" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["data"]))')
[ "$count" = 51 ] || fail "$count events listed after one more capture"
api "$url/v1/stats?bucket=hour" | python3 -c '
import json, sys
points = json.load(sys.stdin)["data"]
captured = sum(p["captured"] for p in points)
assert captured >= 1, f"stats count {captured} captured"' || fail "/v1/stats"
stop
echo "PASS: a store written by $old_commit (schema $old_schema) opens in this binary (schema $new_schema)"
