#!/usr/bin/env bash
# Traffic statistics at scale: how fast GET /v1/stats answers on a SQLite store holding
# `events` events received over the last 24 hours (10 sources, each routed to a destination of
# its own, 97 % of attempts delivered, response times over 8 latency classes) plus 29 earlier
# days of rollups, as retention keeps them.
#
# The store is seeded directly with sqlite3 (capturing 10 M events through HTTP would take most
# of an hour): events as capture stores them, and rollup rows computed from those events in the
# shape the group commit writes them (store/traffic_rollup.h). The write path itself is covered
# by the tests (tests/e2e/stats_test.cpp) and costed by bench/ingest.sh; this measures reads.
#
# Then, through the real server (release build), each query 50 times, p50 / p99 / max:
#   - the last 24 h by the hour, the whole org and one destination (the dashboard's day view);
#   - the last hour by the minute (the Overview's default);
#   - the last 24 h by the minute (1 441 points, about the most one request may ask for);
#   - the last 7 days by the hour (the week view).
# For contrast, the same hourly counts computed from the events themselves (what /v1/stats would
# cost without rollups), with sqlite3, once. And a check: the hourly `captured` the API answers
# equals the events counted per hour.
#
#   bench/stats.sh [events=10000000]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

events="${1:-10000000}"
runs=50

for tool in curl sqlite3 python3; do
  command -v "$tool" >/dev/null || { echo "stats.sh needs $tool" >&2; exit 1; }
done
bench_build

bench_start_rehook stats
db="$bench_tmp/stats/data/rehook.db"
api() { curl -sf "$REHOOK_URL$1" -H "X-API-Key: $REHOOK_KEY"; }
json_id() { sed -E 's/.*"id":"([^"]+)".*/\1/'; }
sources=()
destinations=()
for i in $(seq 0 9); do
  sources+=("$(bench_create_source)")
  destinations+=("$(curl -sf -X POST "$REHOOK_URL/v1/destinations" -H "X-API-Key: $REHOOK_KEY" \
    -d "{\"name\":\"d$i\",\"url\":\"https://example.com/hook/$i\"}" | json_id)")
done
org=$(sqlite3 "$db" "SELECT org_id FROM sources LIMIT 1")
bench_stop "$REHOOK_PID"

now_ms=$(($(date +%s) * 1000))
day_ms=86400000
# On a minute boundary, so that the 24 h of events fill whole minutes and the 29 earlier copies
# of their rollups never share one.
start_ms=$(((now_ms - day_ms) / 60000 * 60000))
echo "seeding $events events over the last 24 h, and 30 days of rollups ..."
t0=$(date +%s.%N)
values_sources=$(for i in $(seq 0 9); do printf "(%d,'%s','%s')," "$i" "${sources[$i]}" "${destinations[$i]}"; done)
sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
CREATE TEMP TABLE pairs (n INTEGER PRIMARY KEY, source_id TEXT, destination_id TEXT);
INSERT INTO pairs VALUES ${values_sources%,};
-- Latency classes with the share of attempts in each (8 classes, 5 ms to 300 ms).
CREATE TEMP TABLE classes (class INTEGER PRIMARY KEY, per_mille INTEGER);
INSERT INTO classes VALUES (0, 50), (1, 150), (2, 300), (3, 200), (4, 150), (5, 80), (6, 50), (7, 20);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $events)
INSERT INTO events (id, org_id, source_id, received_at, method, path, query, headers, client_ip,
                    size, verified, body)
SELECT printf('evt_seed%010d', i), '$org', p.source_id, $start_ms + i * $day_ms / $events, 'POST',
       '/', '', x'', '127.0.0.1', 27, 0, '{"type":"charge.succeeded"}'
  FROM n JOIN pairs p ON p.n = i % 10;
COMMIT;
BEGIN;
-- Capture, as the group commit counts it: per source, and per destination routed to.
CREATE TEMP TABLE minute_counts AS
  SELECT received_at - received_at % 60000 AS t, source_id, count(*) AS captured
    FROM events WHERE org_id = '$org' GROUP BY 1, 2;
-- 29 earlier days, the same traffic shape (what retention keeps).
INSERT INTO minute_counts
  SELECT t - d * $day_ms, source_id, captured FROM minute_counts,
         (WITH RECURSIVE days(d) AS (SELECT 1 UNION ALL SELECT d + 1 FROM days WHERE d < 29)
          SELECT d FROM days);
INSERT INTO traffic_rollups
  SELECT '$org', 60000, t, m.source_id, '', -1, 0, captured, 0, 0 FROM minute_counts m;
INSERT INTO traffic_rollups
  SELECT '$org', 60000, t, m.source_id, p.destination_id, -1, 0, captured, 0, 0
    FROM minute_counts m JOIN pairs p ON p.source_id = m.source_id;
-- Attempts: 97 % delivered, 3 % failed, spread over the latency classes.
INSERT INTO traffic_rollups
  SELECT '$org', 60000, t, m.source_id, p.destination_id, c.class, 0, 0,
         (captured * 970 / 1000) * c.per_mille / 1000, (captured * 30 / 1000) * c.per_mille / 1000
    FROM minute_counts m JOIN pairs p ON p.source_id = m.source_id, classes c;
-- Hours, as the sums of their minutes.
INSERT INTO traffic_rollups
  SELECT org_id, 3600000, t - t % 3600000, source_id, destination_id, latency_class, 0,
         sum(captured), sum(delivered), sum(failed)
    FROM traffic_rollups WHERE bucket_ms = 60000
   GROUP BY 3, 4, 5, 6;
COMMIT;
ANALYZE;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
t1=$(date +%s.%N)
rows=$(sqlite3 "$db" "SELECT count(*) FROM traffic_rollups")
stored=$(sqlite3 "$db" "SELECT count(*) FROM events")
printf 'seeded in %.0f s: %s events, %s rollup rows, database %s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
  "$stored" "$rows" "$(du -h "$db" | cut -f1)"

bench_start_rehook stats --api-rate-limit 100000
iso() { bench_iso_time "$(($1 / 1000))"; }
# time_query NAME QUERY: p50 / p99 / max of `runs` calls, in ms.
time_query() {
  local times=()
  api "$2" >/dev/null  # warm: the first call opens the reader
  for _ in $(seq 1 "$runs"); do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' "$REHOOK_URL$2" -H "X-API-Key: $REHOOK_KEY")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$1" '{ v[NR] = $1 * 1000 }
    END { printf "%-34s %8.1f %8.1f %8.1f\n", name, v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1], v[NR] }'
}

day_from=$(iso "$start_ms")
printf '\n%-34s %8s %8s %8s   (ms, %d calls each)\n' "GET /v1/stats" "p50" "p99" "max" "$runs"
time_query "24 h by the hour, whole org" "/v1/stats?bucket=hour&from=$day_from"
time_query "24 h by the hour, one destination" "/v1/stats?bucket=hour&from=$day_from&destination_id=${destinations[3]}"
time_query "1 h by the minute, whole org" "/v1/stats?bucket=minute"
time_query "24 h by the minute (1 441 points)" "/v1/stats?bucket=minute&from=$day_from"
time_query "7 days by the hour, whole org" "/v1/stats?bucket=hour&from=$(iso $((now_ms - 7 * day_ms)))"

# Without rollups: the same hourly counts from the events (index on org and time).
t0=$(date +%s.%N)
sqlite3 -readonly "$db" "SELECT received_at - received_at % 3600000, count(*) FROM events
  WHERE org_id = '$org' AND received_at >= $((start_ms - start_ms % 3600000)) GROUP BY 1" >"$bench_tmp/scan.txt"
t1=$(date +%s.%N)
printf '%-34s %8.0f   (sqlite3, once)\n' "the same from the events themselves" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) * 1000 }')"

# Check: per hour, the API's captured equals the events counted. The first hour is left out: it
# began before the first seeded event, so its rollups also count the end of the copy of the day
# before (seeded history, not a miscount).
api "/v1/stats?bucket=hour&from=$day_from" | python3 -c '
import datetime, json, sys
api = {}
for p in json.load(sys.stdin)["data"]:
    t = int(datetime.datetime.fromisoformat(p["t"].replace("Z", "+00:00")).timestamp() * 1000)
    api[t] = p["captured"]
scan = dict(map(int, line.split("|")) for line in open(sys.argv[1]) if line.strip())
first = min(scan)
scan.pop(first)
api.pop(first, None)
wrong = [t for t in scan if api.get(t) != scan[t]]
same = not wrong and sum(scan.values()) == sum(api.values())
print(f"hourly captured equals the events counted ({len(scan)} whole hours, {sum(scan.values())} events): "
      + ("yes" if same else f"NO ({len(wrong)} hours differ)"))
' "$bench_tmp/scan.txt"
