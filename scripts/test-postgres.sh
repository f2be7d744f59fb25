#!/usr/bin/env bash
# A throw-away PostgreSQL for the test suite, on a free loopback port.
#   scripts/test-postgres.sh start STATE_DIR   # initdb into a temp dir, start; URL in STATE_DIR/url
#   scripts/test-postgres.sh stop STATE_DIR    # stop it and remove everything it wrote
# CTest runs these as the setup and cleanup fixtures of every test that uses PostgreSQL. The
# cluster trusts local connections and runs with fsync off: it lives for one test run, and what
# the tests check is rehook's side of durability (acknowledged only after COMMIT returns).
set -euo pipefail

action="${1:?usage: $0 start|stop STATE_DIR}"
state_dir="${2:?usage: $0 start|stop STATE_DIR}"

bin_dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$bin_dir" ] || [ ! -x "$bin_dir/initdb" ]; then
  echo "PostgreSQL server binaries not found: install the 'postgresql' package" >&2
  exit 1
fi

# initdb and the server refuse to run as root.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  as_owner=(runuser -u postgres --)
fi

stop() {
  [ -f "$state_dir/cluster" ] || return 0
  local cluster
  cluster="$(cat "$state_dir/cluster")"
  "${as_owner[@]}" "$bin_dir/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$cluster" "$state_dir"
}

start() {
  stop
  mkdir -p "$state_dir"
  local cluster
  cluster="$(mktemp -d /tmp/rehook-test-pg.XXXXXX)"
  echo "$cluster" >"$state_dir/cluster"
  [ "${#as_owner[@]}" -gt 0 ] && chown postgres "$cluster"
  "${as_owner[@]}" "$bin_dir/initdb" -D "$cluster/data" -U rehook --auth=trust -E UTF8 \
    --no-sync >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }

  # A few random ports, in case one is taken between the check and the start.
  local port
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    if "${as_owner[@]}" "$bin_dir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off \
          -c full_page_writes=off -c max_connections=400 \
          -c shared_buffers=128MB" start >/dev/null; then
      echo "postgres://rehook@127.0.0.1:$port/postgres" >"$state_dir/url"
      echo "PostgreSQL for the tests: $(cat "$state_dir/url")"
      return 0
    fi
  done
  cat "$cluster/server.log" >&2
  exit 1
}

case "$action" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
