#!/usr/bin/env bash
# A throw-away PostgreSQL for the test suite and the benchmarks, on a free loopback port.
#   scripts/test-postgres.sh start STATE_DIR [durable]  # initdb into a temp dir and start it;
#                                                       # its URL is written to STATE_DIR/url
#   scripts/test-postgres.sh stop STATE_DIR             # stop it, remove everything it wrote
# CTest runs these as the setup and cleanup fixtures of every test that uses PostgreSQL. The
# cluster trusts local connections. For tests it runs with fsync off: it lives for one test
# run, and what the tests check is rehook's side of durability (acknowledged only after COMMIT
# returns). `durable` (the benchmarks) keeps fsync on, as production must, and sizes the server
# as docs/OPERATIONS.md advises (a larger max_wal_size, 2 GB of shared buffers: with 128 MB the
# inserting backends themselves wrote out dirty pages, a sixth of PostgreSQL's CPU in a capture
# run, inside the one commit in flight).
set -euo pipefail

action="${1:?usage: $0 start|stop STATE_DIR}"
state_dir="${2:?usage: $0 start|stop STATE_DIR}"
mode="${3:-}"

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

  local settings="-c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=128MB"
  if [ "$mode" = durable ]; then
    settings+=" -c max_wal_size=4GB -c checkpoint_timeout=15min -c shared_buffers=2GB"
  else
    settings+=" -c fsync=off -c full_page_writes=off"
  fi

  # A few random ports, in case one is taken between the check and the start.
  local port
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    if "${as_owner[@]}" "$bin_dir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "-p $port -k $cluster $settings" start >/dev/null; then
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
