#!/usr/bin/env bash
# What retention costs on PostgreSQL: a day of events erased row by row (what every day cost
# before schema 15, and what a retention shorter than another organization's still costs) against
# the same day dropped whole (schema 15's days). Both through rehook's own retention sweeper:
#   1. a fresh database per mode; rehook starts on it once (schema, the first organization with
#      its 30-day retention, days made) and a source is made through the API;
#   2. `events` events are written into tomorrow's day straight through SQL (this measures the
#      erasure, not capture): 1 KB bodies, one failed attempt and one standing each, as
#      forwarding leaves them;
#   3. rows mode adds an organization with a 3 650-day retention and one event in that day, so
#      that the day may not go whole and the sweeper erases the first organization's expired
#      events by row (500 per transaction, as always); days mode does not, so the day is
#      dropped;
#   4. rehook starts again with its clock 32 days ahead (--test-clock-offset-ms), sweeping
#      every 500 ms; timed from its start (which with the first sweep's wait is about 1 s of
#      each figure) until the organization has no event left, polled every 200 ms, with the WAL
#      written meanwhile (pg_wal_lsn_diff) and PostgreSQL's and rehook's CPU (/proc utime +
#      stime; PostgreSQL's includes autovacuum, the checkpointer and the polling).
# Prints per mode: events erased, seconds, WAL bytes, CPU seconds; then days against rows.
#   bench/pg_retention.sh [events=500000]
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

events="${1:-500000}"
hz=$(getconf CLK_TCK)
day_ms=86400000

bench_build
bench_start_postgres
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
postmaster=$(head -1 "$(cat "$bench_tmp/pg/cluster")/data/postmaster.pid")

# CPU ticks (utime + stime) of a process and, for the postmaster, of its children too.
ticks_of() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
  local total=$(($(ticks_of "$postmaster") + $(awk '{ print $16 + $17 }' "/proc/$postmaster/stat")))
  for child in $(pgrep -P "$postmaster"); do total=$((total + $(ticks_of "$child"))); done
  echo "$total"
}

fill() {  # fill DATABASE_URL ORG_ID SOURCE_ID FROM_MS
  psql -q "$1" <<SQL
CREATE FUNCTION pg_temp.time_chars(ms BIGINT) RETURNS TEXT LANGUAGE plpgsql AS \$\$
DECLARE out TEXT := '';
BEGIN
  FOR i IN REVERSE 9..0 LOOP
    out := out || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((ms >> (5 * i)) & 31)::int + 1, 1);
  END LOOP;
  RETURN out;
END \$\$;
CREATE TEMP TABLE filled AS
  SELECT 'evt_' || pg_temp.time_chars($4 + g * ($day_ms / ($events + 1))) ||
         lpad(upper(to_hex(g)), 16, '0') AS id,
         $4 + g * ($day_ms / ($events + 1)) AS at, g
    FROM generate_series(1, $events) g;
INSERT INTO events (id, org_id, source_id, received_at, method, path, query, headers, client_ip,
                    size, verified, body)
  SELECT id, '$2', '$3', at, 'POST', '\x2f'::bytea, ''::bytea, convert_to('X-A: 1', 'UTF8'),
         '127.0.0.1', 1024, true, convert_to(repeat(md5(g::text), 32), 'UTF8') FROM filled;
INSERT INTO delivery_attempts (id, org_id, event_id, destination_id, attempt, success, error,
                               created_at)
  SELECT 'del_' || g, '$2', id, 'dst_bench', 1, false, 'HTTP 500', at + 5 FROM filled;
INSERT INTO delivery_standings (event_id, destination_id, org_id, last_success, ever_succeeded,
                                last_attempt_at, received_at)
  SELECT id, 'dst_bench', '$2', false, false, at + 5, at FROM filled;
CHECKPOINT;
SQL
}

declare -A seconds wal pg_cpu rehook_cpu erased
for mode in rows days; do
  db=$(bench_new_database "retention_$mode")
  bench_start_rehook "first-$mode" --database "$db"
  source_id=$(bench_create_source)
  bench_stop "$REHOOK_PID"
  org_id=$(psql -tAq "$db" -c "SELECT id FROM organizations LIMIT 1")
  now_ms=$(date +%s%3N)
  tomorrow=$(((now_ms / day_ms + 1) * day_ms))
  fill "$db" "$org_id" "$source_id" "$tomorrow"
  if [ "$mode" = rows ]; then
    # An organization that keeps its events ten years, with one event in the same day: the day
    # may not go whole (its own events keep it), so the first organization's go by row.
    long_id="evt_$(python3 -c "import sys; t = int(sys.argv[1]); print(''.join(
      '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[(t >> (5 * i)) & 31] for i in range(9, -1, -1)))" \
      "$((tomorrow + 1))")FFFFFFFFFFFFFFFF"
    psql -q "$db" -c "INSERT INTO organizations (id, name, retention_days, created_at) \
      VALUES ('org_longmemory', 'long memory', 3650, $now_ms)" \
      -c "INSERT INTO events (id, org_id, source_id, received_at, method, path, query, headers, \
          client_ip, size, verified, body) VALUES ('$long_id', 'org_longmemory', '$source_id', \
          $((tomorrow + 1)), 'POST', '\\x2f', '', '', '127.0.0.1', 2, true, '{}')"
  fi
  erased[$mode]=$(psql -tAq "$db" -c "SELECT count(*) FROM events WHERE org_id = '$org_id'")
  offset=$((tomorrow + 32 * day_ms - $(date +%s%3N)))

  wal_before=$(psql -tAq "$db" -c "SELECT pg_current_wal_lsn()")
  pg_before=$(pg_ticks)
  start=$(date +%s%N)
  bench_start_rehook "first-$mode" --database "$db" --test-clock-offset-ms "$offset" \
    --retention-sweep-interval-ms 500
  # The newest event goes last, and finding it costs one index descent (a count would scan
  # the table each time and take the cores the erasure is measured on).
  until [ -z "$(psql -tAq "$db" -c "SELECT id FROM events WHERE org_id = '$org_id' \
    ORDER BY received_at DESC LIMIT 1")" ]; do sleep 0.2; done
  end=$(date +%s%N)
  rehook_cpu[$mode]=$(ticks_of "$REHOOK_PID")
  pg_after=$(pg_ticks)
  wal[$mode]=$(psql -tAq "$db" -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal_before')")
  bench_stop "$REHOOK_PID"
  seconds[$mode]=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  pg_cpu[$mode]=$(awk -v t=$((pg_after - pg_before)) -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')
  rehook_cpu[$mode]=$(awk -v t="${rehook_cpu[$mode]}" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')
  left=$(psql -tAq "$db" -c "SELECT (SELECT count(*) FROM delivery_attempts) + \
    (SELECT count(*) FROM delivery_standings)")
  [ "$left" = 0 ] || { echo "$mode: $left attempts and standings left behind" >&2; exit 1; }
done

printf '\n%d events of one day (1 KB bodies, an attempt and a standing each), PostgreSQL %s\n' \
  "$events" "$("$pg_bin/postgres" --version | awk '{ print $3 }')"
printf '%-34s %10s %10s %14s %10s %10s\n' mode erased seconds "WAL bytes" "PG CPU s" "rehook s"
printf '%-34s %10s %10s %14s %10s %10s\n' "by row, 500 per transaction" "${erased[rows]}" \
  "${seconds[rows]}" "${wal[rows]}" "${pg_cpu[rows]}" "${rehook_cpu[rows]}"
printf '%-34s %10s %10s %14s %10s %10s\n' "the day dropped whole" "${erased[days]}" \
  "${seconds[days]}" "${wal[days]}" "${pg_cpu[days]}" "${rehook_cpu[days]}"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print "-" }'; }
printf 'days / rows: time %s, WAL %s, PostgreSQL CPU %s\n' \
  "$(ratio "${seconds[days]}" "${seconds[rows]}")" "$(ratio "${wal[days]}" "${wal[rows]}")" \
  "$(ratio "${pg_cpu[days]}" "${pg_cpu[rows]}")"
