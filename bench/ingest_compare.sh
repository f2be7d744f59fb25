#!/usr/bin/env bash
# Capture throughput of this tree against an earlier commit, on the embedded SQLite store (or,
# with --postgres, on a local PostgreSQL with fsync on, a fresh database per round), in
# interleaved rounds (base, current, base, current, ...) so that drift in a shared machine's speed
# falls on both alike; on PostgreSQL each round's database is dropped and the server checkpointed
# after it. The earlier commit is built in a git worktree under build/. Prints each
# round, the medians, current/base, and each median against nginx answering `return 200` (one
# run before the rounds).
#   bench/ingest_compare.sh [--postgres] BASE_COMMIT [rounds=5] [seconds=15] [connections=64]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

store=sqlite
if [ "${1:-}" = "--postgres" ]; then
  store=postgres
  shift
fi

base_commit="${1:?usage: bench/ingest_compare.sh BASE_COMMIT [rounds] [seconds] [connections]}"
rounds="${2:-5}"
duration="${3:-15}"
connections="${4:-64}"

bench_build
base_rev=$(git -C "$bench_root" rev-parse --short "$base_commit")
base_tree="$bench_root/build/baseline-$base_rev"
if [ ! -d "$base_tree" ]; then
  git -C "$bench_root" worktree add --detach "$base_tree" "$base_commit" >/dev/null
fi
cmake -S "$base_tree" -B "$base_tree/build/release" -DCMAKE_BUILD_TYPE=Release \
  -DREHOOK_TESTS=OFF >/dev/null
cmake --build "$base_tree/build/release" -j"$(nproc)" --target rehook >/dev/null
base_binary="$base_tree/build/release/src/rehook"
current_binary="$bench_root/build/release/src/rehook"

bench_post_script "$bench_tmp/post.lua"
echo "body: ${#BENCH_BODY} bytes, ${connections} connections, ${duration}s per round, ${rounds} rounds"
echo "base: $base_rev   current: $(git -C "$bench_root" rev-parse --short HEAD)"

nginx_port=$(bench_free_port)
bench_start_nginx "$nginx_port" "return 200 '{\"id\":\"evt_nginx\"}';"
read -r nginx_rps nginx_p99 _ < <(wrk -t2 -c"$connections" -d"${duration}s" --latency \
  -s "$bench_tmp/post.lua" "http://127.0.0.1:$nginx_port/in/x" | bench_parse_wrk)
echo "nginx return 200: $nginx_rps requests/s, p99 $nginx_p99 ms (store: $store)"
[ "$store" = postgres ] && bench_start_postgres

# One round: a fresh store for the binary given, one wrk run; prints "<requests/s> <p99 ms>"
# once the round has been cleaned up after.
round() {
  local store_args=()
  if [ "$store" = postgres ]; then
    store_args=(--database "$(bench_new_database "${2//-/_}")")
  fi
  REHOOK_BINARY="$1" bench_start_rehook "$2" "${store_args[@]}"
  local source_id result
  source_id=$(bench_create_source)
  result=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$bench_tmp/post.lua" \
    "$REHOOK_URL/in/$source_id" | bench_parse_wrk | cut -d' ' -f1,2)
  bench_stop "$REHOOK_PID"
  rm -rf "$bench_tmp/$2"
  if [ "$store" = postgres ]; then
    # Every round starts from the same server state: no earlier round's tables for autovacuum
    # to work through meanwhile, and the WAL just checkpointed (its segments recycled), rather
    # than a checkpoint falling due in whichever round crosses max_wal_size.
    psql -q "$BENCH_PG_URL" -c "DROP DATABASE ${2//-/_}" -c "CHECKPOINT" >/dev/null
  fi
  # Printed last: the caller reads it from a process substitution and goes on at once.
  echo "$result"
}

base_rates=()
current_rates=()
printf '\n%-6s %-8s %12s %10s\n' round binary requests/s "p99 ms"
for i in $(seq 1 "$rounds"); do
  read -r rps p99 < <(round "$base_binary" "base-$i")
  base_rates+=("$rps")
  printf '%-6s %-8s %12s %10s\n' "$i" base "$rps" "$p99"
  read -r rps p99 < <(round "$current_binary" "current-$i")
  current_rates+=("$rps")
  printf '%-6s %-8s %12s %10s\n' "$i" current "$rps" "$p99"
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
base_median=$(median "${base_rates[@]}")
current_median=$(median "${current_rates[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '\nmedian requests/s: base %s, current %s, current/base %s\n' "$base_median" \
  "$current_median" "$(ratio "$current_median" "$base_median")"
printf 'of nginx: base %s, current %s\n' "$(ratio "$base_median" "$nginx_rps")" \
  "$(ratio "$current_median" "$nginx_rps")"
