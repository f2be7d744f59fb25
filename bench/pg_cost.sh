#!/usr/bin/env bash
# What one PostgreSQL primary costs per captured event, and whether that cost holds with two
# rehook nodes on it. wrk (keep-alive, 1 KB JSON bodies as bench_post_script's) against rehook's
# /in/{source} on a local PostgreSQL (fsync on, bench_start_postgres); around each wrk run:
#   - PostgreSQL's CPU: utime + stime (/proc/PID/stat fields 14, 15) of the postmaster and of
#     every process whose parent it is, as a difference per PID between a snapshot before and
#     one after the run (a process started during the run counts from zero). A process that
#     exits during the run is not in the second snapshot; the postmaster reaps it, so its
#     lifetime CPU shows in the postmaster's cutime + cstime (fields 16, 17), which is added
#     (for a process that already lived before the run, that includes CPU spent before it).
#     rehook's pool backends live for the whole run, so they are counted by the snapshots;
#   - rehook's CPU (same fields of its process);
#   - WAL bytes: pg_wal_lsn_diff of pg_current_wal_lsn() after and before;
#   - events stored: count(*) of `events` (0 before: a fresh database each run);
#   - the database's growth (pg_database_size), for information.
# The "after" snapshot is taken 1 s after wrk ends, so that captures in flight when it stopped
# are counted on both sides (events and CPU).
#   1. one node: one rehook, wrk with 2 threads and `connections` connections;
#   2. two nodes: a fresh database, two rehook processes on it (data dirs of their own, so
#      node ids of their own; the source is created through the first and shared through the
#      database), two wrk processes at once, 1 thread and connections/2 each, one per node.
# Prints per event: PostgreSQL CPU µs, rehook CPU µs, WAL bytes, database bytes; the rates
# (events/s), p99 and events per commit (each node's /metrics); then a summary: what one
# PostgreSQL core takes at the one-node cost, how many nodes at the one-node rate that is, and
# the two-node per-event cost against the one-node's.
# Everything runs on 127.0.0.1 on a machine whose 2 cores are shared by PostgreSQL, rehook and
# wrk: absolute rates are lower than with PostgreSQL on a machine of its own; the per-event CPU
# and WAL bytes are what carries over (they also depend on how many events share a commit,
# which grows with load).
#   bench/pg_cost.sh [seconds=15] [connections=64]
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

duration="${1:-15}"
connections="${2:-64}"
hz=$(getconf CLK_TCK)

bench_build
bench_post_script "$bench_tmp/post.lua"
bench_start_postgres
postmaster=$(head -n 1 "$(cat "$bench_tmp/pg/cluster")/data/postmaster.pid")
echo "body: ${#BENCH_BODY} bytes, ${connections} connections, ${duration}s per run," \
  "PostgreSQL postmaster PID ${postmaster}, $(nproc) cores shared by everything"

# pg_snapshot FILE: "<pid> <utime+stime ticks>" of the postmaster and its children, and a line
# "reaped <cutime+cstime ticks>" of the postmaster (its children that have exited).
pg_snapshot() {
  # cat goes on past processes that exit meanwhile. The command name (in parentheses) may hold
  # spaces: fields are counted after its last ')'.
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pm="$postmaster" '{
    pid = $1 + 0; rest = $0
    while ((i = index(rest, ") ")) > 0) rest = substr(rest, i + 2)
    split(rest, f, " ")    # f[1] = state (field 3), f[2] = ppid (field 4), ...
    if (f[2] == pm || pid == pm) print pid, f[12] + f[13]
    if (pid == pm) print "reaped", f[14] + f[15]
  }' >"$1"
}

# pg_ticks BEFORE AFTER: PostgreSQL CPU ticks between two snapshots (see the header).
pg_ticks() {
  awk 'NR == FNR { before[$1] = $2; next }
       { total += $2 - ($1 in before ? before[$1] : 0) }
       END { print total }' "$1" "$2"
}

# cpu_ticks PID: utime + stime of the process.
cpu_ticks() {
  local line
  line=$(cat "/proc/$1/stat")
  awk '{ print $12 + $13 }' <<<"${line##*) }"
}

sql() { psql -tAq "$1" -c "$2"; }

# measure NAME DB_URL DB_NAME COMMAND...: runs COMMAND (the wrk runs) between two snapshots of
# PostgreSQL's and the rehook processes' (REHOOK_PIDS) CPU, the WAL position, the events and the
# database's size; sets pg_us, rehook_us, wal_b and db_b (per event) and events.
measure() {
  local name="$1" url="$2" db="$3" rehook_before=0 rehook_after=0 pid lsn size pg
  shift 3
  sleep 1
  for pid in "${REHOOK_PIDS[@]}"; do rehook_before=$((rehook_before + $(cpu_ticks "$pid"))); done
  lsn=$(sql "$url" "SELECT pg_current_wal_lsn()")
  size=$(sql "$url" "SELECT pg_database_size('$db')")
  pg_snapshot "$bench_tmp/$name.pg-before"

  "$@"

  sleep 1
  pg_snapshot "$bench_tmp/$name.pg-after"
  for pid in "${REHOOK_PIDS[@]}"; do rehook_after=$((rehook_after + $(cpu_ticks "$pid"))); done
  wal=$(sql "$url" "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn')")
  growth=$(sql "$url" "SELECT pg_database_size('$db') - $size")
  events=$(sql "$url" "SELECT count(*) FROM events")
  pg=$(pg_ticks "$bench_tmp/$name.pg-before" "$bench_tmp/$name.pg-after")
  [ "$events" -gt 0 ] || { echo "$name: no events stored" >&2; exit 1; }
  read -r pg_us rehook_us wal_b db_b < <(awk -v pg="$pg" -v rh="$((rehook_after - rehook_before))" \
    -v hz="$hz" -v wal="$wal" -v db="$growth" -v n="$events" \
    'BEGIN { printf "%.1f %.1f %.0f %.0f\n", pg / hz * 1e6 / n, rh / hz * 1e6 / n, wal / n, db / n }')
  printf '%s: %s events stored; PostgreSQL CPU %.2f s, rehook CPU %.2f s, WAL %s bytes, database +%s bytes\n' \
    "$name" "$events" "$(awk -v t="$pg" -v hz="$hz" 'BEGIN { print t / hz }')" \
    "$(awk -v t="$((rehook_after - rehook_before))" -v hz="$hz" 'BEGIN { print t / hz }')" \
    "$wal" "$growth"
}

# commits PID_URL: "<events captured> <commit batches>" from a node's /metrics.
commits() {
  curl -s "$1/metrics" | awk '/^rehook_captured_events_total/ { e = $2 }
    /^rehook_store_commit_batches/ { b = $2 } END { printf "%.0f %.0f\n", e, b }'
}

# 1. One node.
db1=$(bench_new_database pgcost_one)
bench_start_rehook one --database "$db1"
source_id=$(bench_create_source)
REHOOK_PIDS=("$REHOOK_PID")

# shellcheck disable=SC2317  # run by measure
wrk_one() {
  wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$bench_tmp/post.lua" \
    "$REHOOK_URL/in/$source_id" >"$bench_tmp/wrk-one.txt"
}
measure "one node" "$db1" pgcost_one wrk_one
read -r one_rps one_p99 one_bad < <(bench_parse_wrk <"$bench_tmp/wrk-one.txt")
read -r one_captured one_batches < <(commits "$REHOOK_URL")
one_events=$events one_pg_us=$pg_us one_rehook_us=$rehook_us one_wal_b=$wal_b one_db_b=$db_b
bench_stop "$REHOOK_PID"
# The two-node run starts from the server state the one-node run did: without the first
# database's tables for autovacuum to work through meanwhile, with the WAL just checkpointed.
psql -q "$BENCH_PG_URL" -c "DROP DATABASE pgcost_one" -c "CHECKPOINT" >/dev/null

# 2. Two nodes on a fresh database. bench_start_rehook sets REHOOK_URL/KEY/PID for the node it
# starts, so the first node's are kept aside. Only the first node of a database writes admin.key
# (bench_start_rehook reads it): the second gets a copy of it in its data dir beforehand.
db2=$(bench_new_database pgcost_two)
bench_start_rehook two-a --database "$db2"
a_url=$REHOOK_URL a_pid=$REHOOK_PID
source_id=$(bench_create_source)
mkdir -p "$bench_tmp/two-b/data"
cp "$bench_tmp/two-a/data/admin.key" "$bench_tmp/two-b/data/admin.key"
bench_start_rehook two-b --database "$db2"
b_url=$REHOOK_URL b_pid=$REHOOK_PID
REHOOK_PIDS=("$a_pid" "$b_pid")

# shellcheck disable=SC2317  # run by measure
wrk_two() {
  local half=$((connections / 2))
  wrk -t1 -c"$half" -d"${duration}s" --latency -s "$bench_tmp/post.lua" \
    "$a_url/in/$source_id" >"$bench_tmp/wrk-a.txt" &
  local wa=$!
  wrk -t1 -c"$half" -d"${duration}s" --latency -s "$bench_tmp/post.lua" \
    "$b_url/in/$source_id" >"$bench_tmp/wrk-b.txt" &
  local wb=$!
  wait "$wa" "$wb"
}
measure "two nodes" "$db2" pgcost_two wrk_two
read -r a_rps a_p99 a_bad < <(bench_parse_wrk <"$bench_tmp/wrk-a.txt")
read -r b_rps b_p99 b_bad < <(bench_parse_wrk <"$bench_tmp/wrk-b.txt")
read -r a_captured a_batches < <(commits "$a_url")
read -r b_captured b_batches < <(commits "$b_url")
two_events=$events two_pg_us=$pg_us two_rehook_us=$rehook_us two_wal_b=$wal_b two_db_b=$db_b
bench_stop "$a_pid"
bench_stop "$b_pid"

per_commit() { awk -v e="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? e / b : 0) }'; }
printf '\n%-22s %9s %13s %8s %9s %9s %9s %8s %9s\n' "run" "events/s" "p99 ms" "non-2xx" \
  "pg µs/ev" "rh µs/ev" "WAL B/ev" "db B/ev" "ev/commit"
printf '%-22s %9s %13s %8s %9s %9s %9s %8s %9s\n' "one node" "$one_rps" "$one_p99" "$one_bad" \
  "$one_pg_us" "$one_rehook_us" "$one_wal_b" "$one_db_b" "$(per_commit "$one_captured" "$one_batches")"
printf '%-22s %9s %13s %8s %9s %9s %9s %8s %9s\n' "two nodes (together)" "$((a_rps + b_rps))" \
  "$a_p99/$b_p99" "$((a_bad + b_bad))" "$two_pg_us" "$two_rehook_us" "$two_wal_b" "$two_db_b" \
  "$(per_commit "$((a_captured + b_captured))" "$((a_batches + b_batches))")"
printf '%-22s %9s %13s %8s\n' "  node 1" "$a_rps" "$a_p99" "$a_bad"
printf '%-22s %9s %13s %8s\n' "  node 2" "$b_rps" "$b_p99" "$b_bad"
echo "events stored: one node ${one_events}, two nodes ${two_events}" \
  "(pg µs/ev: PostgreSQL CPU per event; rh µs/ev: rehook CPU per event, both nodes summed)"

awk -v pg="$one_pg_us" -v wal="$one_wal_b" -v rate="$one_rps" -v pg2="$two_pg_us" \
  -v wal2="$two_wal_b" -v rh="$one_rehook_us" -v rh2="$two_rehook_us" 'BEGIN {
  core = 1e6 / pg
  printf "\nsummary (one node)\n"
  printf "  %-54s %.1f µs\n", "PostgreSQL CPU per event:", pg
  printf "  %-54s %.0f bytes (%.1f MB/s at 10 000 events/s)\n", "WAL per event:", wal, wal * 10000 / 1e6
  printf "  %-54s %.0f\n", "events/s one PostgreSQL core could take at this cost:", core
  printf "  %-54s %.1f\n", sprintf("rehook nodes at the one-node rate (%d/s) that is:", rate), core / rate
  printf "two nodes against one, per event\n"
  printf "  PostgreSQL CPU: %.1f / %.1f µs = %.2f\n", pg2, pg, pg2 / pg
  printf "  WAL bytes:      %.0f / %.0f = %.2f\n", wal2, wal, wal2 / wal
  printf "  rehook CPU:     %.1f / %.1f µs = %.2f\n", rh2, rh, rh2 / rh
}'
exit 0
