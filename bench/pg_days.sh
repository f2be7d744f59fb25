#!/usr/bin/env bash
# Reads over many days on PostgreSQL: what keeping events in a partition per day (schema 15)
# costs the reads users make, against a store whose events all fall on one day. Two databases
# on one local PostgreSQL (fsync on, bench_start_postgres; everything on the same two cores):
#   - one day: wrk (1 KB bodies, 256 connections) captures for `days` × `seconds` seconds;
#   - many days: rehook is started `days` times, each time with its clock one more day ahead
#     (--test-clock-offset-ms; days after today, because a new database's own days begin today),
#     and wrk captures for `seconds` seconds each time: `days` partitions of about the same
#     number of events each, the same total.
# Then rehook starts on each with its clock at the last filled day (so that both have the same
# "now") and each read is timed through the HTTP API (bench/read_timer.py, one keep-alive
# connection, p50 / p99 / max in ms):
#   1. newest page, GET /v1/events?limit=50, 100 calls: no time bounds (one query over every
#      day would open each day's index; the listing reads windows of days, store/sql/time_windows.h);
#   2. a random one-second window of the fills, 100 calls: pruned to the day it falls in;
#   3. cursor paging, 100 pages of 50 from the newest;
#   4. dry run over the whole range (max_events 10 000), 10 calls;
#   5. replay job creation over the whole range, 5 calls (each job cancelled, not timed).
# Prints both stores' figures and the ratio many days / one day of each p50 and p99.
#   bench/pg_days.sh [days=30] [seconds=6]
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

days="${1:-30}"
seconds="${2:-6}"
day_ms=86400000

bench_build
bench_post_script "$bench_tmp/post.lua"
bench_start_postgres
sink_port=$(bench_free_port)
bench_start_nginx "$sink_port" "return 200 'ok';"

api() {  # api METHOD PATH [BODY]
  curl -sS -f -X "$1" "$REHOOK_URL$2" -H "X-API-Key: $REHOOK_KEY" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}
}
json_id() { python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'; }
iso_ms() { bench_iso_time "$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')"; }
now_ms() { date +%s%3N; }

# start NAME DB OFFSET_DAYS: rehook on DB with its clock OFFSET_DAYS days ahead (the same data
# directory each time, so the first start's admin key stays valid).
start() {
  bench_start_rehook "$1" --database "$2" --test-clock-offset-ms $(($3 * day_ms)) \
    --allow-private-targets --api-rate-limit 100000 --api-rate-burst 100000
}

# fill NAME DB FIRST_DAY LAST_DAY SECONDS: captures SECONDS per day for each day offset in
# [FIRST_DAY, LAST_DAY]; appends each fill's "<from ms> <to ms>" (the store's clock) to
# $bench_tmp/NAME.ranges.
fill() {
  local name="$1" db="$2" first="$3" last="$4" run="$5" day source from org
  for day in $(seq "$first" "$last"); do
    start "$name" "$db" "$day"
    if [ ! -s "$bench_tmp/$name.source" ]; then
      api POST /v1/sources '{"name":"main"}' | json_id >"$bench_tmp/$name.source"
      # Ten years of retention: the first days must still be there when the clock is at the last.
      org=$(api GET /v1/orgs | python3 -c 'import json, sys; print(json.load(sys.stdin)["data"][0]["id"])')
      api PATCH "/v1/orgs/$org" '{"retention_days":3650}' >/dev/null
    fi
    source=$(cat "$bench_tmp/$name.source")
    from=$(($(now_ms) + day * day_ms))
    wrk -t2 -c256 -d"${run}s" -s "$bench_tmp/post.lua" "$REHOOK_URL/in/$source" >/dev/null
    echo "$from $(($(now_ms) + day * day_ms))" >>"$bench_tmp/$name.ranges"
    bench_stop "$REHOOK_PID"
  done
}

# measure NAME DB: times each read on the store filled as NAME; prints "<read> <p50> <p99>" rows.
measure() {
  local name="$1" db="$2" from to destination whole
  start "$name" "$db" "$days"
  from=$(head -1 "$bench_tmp/$name.ranges" | cut -d' ' -f1)
  to=$(tail -1 "$bench_tmp/$name.ranges" | cut -d' ' -f2)
  destination=$(api POST /v1/destinations \
    "{\"name\":\"sink\",\"url\":\"http://127.0.0.1:$sink_port/hook\"}" | json_id)
  whole="\"destination_id\":\"$destination\",\"from\":\"$(iso_ms "$from")\",\"to\":\"$(iso_ms "$to")\",\"max_events\":10000"
  read_timer() { python3 "$bench_root/bench/read_timer.py" "$REHOOK_URL" "$REHOOK_KEY" "$@"; }
  # Each read's figures kept first, so that a read that fails stops the script (set -e).
  local newest window paging dry create
  newest=$(read_timer repeat '/v1/events?limit=50' 100)
  # shellcheck disable=SC2046  # one argument per range bound
  window=$(read_timer windows 100 $(cat "$bench_tmp/$name.ranges"))
  paging=$(read_timer pages '/v1/events?limit=50' 100)
  dry=$(read_timer dry_run "{$whole}" 10)
  create=$(read_timer create "{$whole,\"rate_limit\":1}" 5)
  bench_stop "$REHOOK_PID"
  printf '%s\n' "newest_page $newest" "one_second_window $window" "cursor_paging $paging" \
    "dry_run_whole_range $dry" "job_creation_whole_range $create" | awk '{ print $1, $2, $3 }'
}

one_db=$(bench_new_database one_day)
many_db=$(bench_new_database many_days)
echo "== one day: ${days} x ${seconds}s of capture at once; many days: ${seconds}s on each of ${days} days =="
fill one "$one_db" "$days" "$days" $((days * seconds))
fill many "$many_db" 1 "$days" "$seconds"
one_events=$(psql -tAq "$one_db" -c "SELECT count(*) FROM events")
many_events=$(psql -tAq "$many_db" -c "SELECT count(*) FROM events")
many_partitions=$(psql -tAq "$many_db" -c \
  "SELECT count(*) FROM pg_inherits WHERE inhparent = 'events'::regclass")
psql -q "$one_db" -c "VACUUM ANALYZE"
psql -q "$many_db" -c "VACUUM ANALYZE"
psql -q "$BENCH_PG_URL" -c "CHECKPOINT"
echo "one day: $one_events events; many days: $many_events events in $many_partitions partitions of events"

measure one "$one_db" >"$bench_tmp/one.txt"
measure many "$many_db" >"$bench_tmp/many.txt"

printf '%-26s %18s %18s %14s\n' "read (ms)" "one day p50/p99" "many days p50/p99" "ratio p50/p99"
join "$bench_tmp/one.txt" "$bench_tmp/many.txt" | while read -r read one50 one99 many50 many99; do
  printf '%-26s %18s %18s %14s\n' "$read" "$one50 / $one99" "$many50 / $many99" \
    "$(awk -v a="$many50" -v b="$one50" -v c="$many99" -v d="$one99" \
      'BEGIN { printf "%.2f / %.2f", a / b, c / d }')"
done
