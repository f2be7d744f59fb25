#!/usr/bin/env bash
# Scale: what users do on a big history. A store (SQLite, or PostgreSQL with --postgres) is filled
# with `events` events through the real ingest path, then each read is timed through the real
# server's HTTP API (Release build, everything on 127.0.0.1, two cores shared by all of it).
#
# The fill, with wrk (keep-alive, 2 threads, 1 KB JSON bodies as bench_post_script's; each thread
# stops after its share of responses):
#   - first a side source of events/10 events (at most 10 000, 64 connections), connected to a
#     destination on nginx that answers 500 to every second of them (marked by an X-Fail header
#     and "type":"charge.failed") and 200 to the rest. The destination retries once, a day later
#     (`retry` policy), so the failures stand with their retries postponed; the script waits until
#     every first attempt is logged. rehook runs with --breaker-threshold 1000 so that the
#     alternating failures never open the circuit (forwarding would then wait for its cool-down);
#   - then the main source, not connected (capture only, 256 connections): every 10 000th event
#     of each wrk thread is tagged with "type":"charge.refunded" for the searches. Its fill rate
#     (events/s over the time wrk ran) is printed.
# Event counts are read back from GET /v1/stats (its rollups count exactly what was stored).
#
# Then, each with a keep-alive client (python3 http.client), p50 / p99 / max in ms:
#    1. newest page: GET /v1/events?limit=50, 100 calls;                        target p99 < 5 ms
#    2. a random one-second window of the main fill: GET /v1/events?from=&to=, 100 calls (random
#       seconds, fixed seed);                                                   target p99 < 5 ms
#    3. cursor paging: 100 pages of 50 following next_cursor from the newest;  target p99 < 5 ms
#    4. dry run over the whole range: POST /v1/replay?dry_run=true (max_events 10 000, the API's
#       highest, which caps what it counts), 10 calls;                        target p99 < 100 ms
#    5. replay job creation over the whole range (rate_limit 1, max_events 10 000), each job
#       cancelled right after (not timed), 5 calls;                           target p99 < 100 ms
#    6. failed-only dry run over the whole range ("only":"failed", what the dashboard's "Replay
#       failed since…" sends: no source, so every event of the range is judged), 5 calls;
#       the count is checked against the failures logged;                    target p99 < 100 ms
#    7. a search page: GET /v1/events?q=charge.refunded, and with
#       filter={"body":{"type":"charge.refunded"}}, 20 calls each following next_cursor (each call
#       spends the server's scan budget; from the newest again when the cursor ends); target
#       p99 < 250 ms;
#    8. stats for a day: GET /v1/stats?bucket=hour&from=<24 h ago>, 20 calls (no target set; the
#       day holds only this run's traffic: bench/stats.sh measures a day of 10 M events);
#    9. restart after kill -9: rehook killed, started again on the same data dir and port, time
#       until GET /healthz answers 200 (and /readyz, for information), 3 times;  target < 2 s;
#   10. bytes stored per event: the store's growth over the fill (SQLite: page_count × page_size
#       read with sqlite3; PostgreSQL: pg_database_size) divided by the events, against the body
#       and header bytes of an event as sent ("Name: value\r\n" lines, averaged over 10 of the
#       newest events as GET /v1/events/{id} gives them);            target ratio ≤ 1.3.
# A summary table at the end: measured, target, pass or FAIL.
#
#   bench/scale.sh [--quick] [--postgres] [events=10000000]
#   --quick: 50 000 events (for development); a number given as well wins.
#   --postgres: rehook on a local PostgreSQL (fsync on) instead of its embedded SQLite store.
# The full run needs about 2 KB of free disk per event (3 KB on PostgreSQL; the script checks) and
# takes about 10 minutes of fill on these two cores (more on PostgreSQL), plus the failed-only dry
# runs, which walk the whole range.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

events=""
quick=0
store=sqlite
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --postgres) store=postgres ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *[!0-9]* | "") echo "unknown argument: $arg (see $0 -h)" >&2; exit 2 ;;
    *) events="$arg" ;;
  esac
done
if [ -z "$events" ]; then
  if [ "$quick" = 1 ]; then events=50000; else events=10000000; fi
fi
if [ "$events" -lt 1200 ]; then
  echo "events must be at least 1 200" >&2
  exit 2
fi
side=$((events / 10))
[ "$side" -gt 10000 ] && side=10000
main=$((events - side))
threads=2
main_connections=256
side_connections=64
tag_every=10000  # per wrk thread: every 10 000th main event is tagged
fail_every=2     # per wrk thread: every second side event fails at the destination

for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "scale.sh needs $tool" >&2; exit 1; }
done
if [ "$store" = sqlite ]; then
  command -v sqlite3 >/dev/null || { echo "scale.sh needs sqlite3" >&2; exit 1; }
fi
need_kb=$((events * 2))  # SQLite stores ~1.5 KB per event, PostgreSQL ~1.8 KB and its WAL
[ "$store" = postgres ] && need_kb=$((events * 3))
free_kb=$(df -Pk "$bench_tmp" | awk 'NR == 2 { print $4 }')
if [ "$free_kb" -lt "$need_kb" ]; then
  echo "only $((free_kb / 1024)) MB free on $bench_tmp, about $((need_kb / 1024)) MB needed for $events events" >&2
  exit 1
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
load=$(cut -d' ' -f1-3 /proc/loadavg)

bench_build
[ "$store" = postgres ] && bench_start_postgres

# --- nginx: 500 for deliveries marked X-Fail, 200 for the rest ------------------------------
sink_port=$(bench_free_port)
bench_start_nginx "$sink_port" "if (\$http_x_fail) { return 500; } return 200 'ok';"

serve_flags=(--allow-private-targets --api-rate-limit 100000 --api-rate-burst 100000
  --breaker-threshold 1000)
db_url=""
if [ "$store" = postgres ]; then
  db_url=$(bench_new_database scale)
  serve_flags+=(--database "$db_url")
fi
bench_start_rehook scale "${serve_flags[@]}"
data_dir="$bench_tmp/scale/data"
port="${REHOOK_URL##*:}"

api() {  # api METHOD PATH [BODY]
  curl -sS -f -X "$1" "$REHOOK_URL$2" -H "X-API-Key: $REHOOK_KEY" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}
}
json_id() { python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'; }
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
iso_ms() { bench_iso_time "$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')"; }
now_ms() { awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.0f", t * 1000 }'; }
seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

main_source=$(api POST /v1/sources '{"name":"main"}' | json_id)
side_source=$(api POST /v1/sources '{"name":"side"}' | json_id)
destination=$(api POST /v1/destinations "{\"name\":\"sink\",\"url\":\"http://127.0.0.1:$sink_port/hook\",
  \"retry\":{\"attempts\":2,\"backoff\":\"linear\",\"interval_ms\":86400000}}" | json_id)
api POST /v1/connections "{\"source_id\":\"$side_source\",\"destination_id\":\"$destination\"}" >/dev/null

# store_bytes: the store's size now (SQLite: its pages, as committed, read through the WAL).
store_bytes() {
  if [ "$store" = sqlite ]; then
    sqlite3 -readonly "$data_dir/rehook.db" 'PRAGMA page_count; PRAGMA page_size;' | paste -sd' ' |
      awk '{ printf "%.0f\n", $1 * $2 }'
  else
    psql -Atq "$db_url" -c 'SELECT pg_database_size(current_database())'
  fi
}
empty_bytes=$(store_bytes)

# stats_sum QUERY FIELD...: the sum of those fields over GET /v1/stats?bucket=hour&QUERY.
stats_sum() {
  local query="$1"
  shift
  api GET "/v1/stats?bucket=hour&$query" | python3 -c '
import json, sys
print(sum(p[f] for p in json.load(sys.stdin)["data"] for f in sys.argv[1:]))' "$@"
}

# --- Fill -----------------------------------------------------------------------------------
bench_post_script "$bench_tmp/post.lua"  # sets BENCH_BODY, the 1 KB JSON body
tasks() { local t=(/proc/"$1"/task/*); echo "${#t[@]}"; }

# fill SOURCE EVENTS CONNECTIONS EVERY MARKED_TYPE [MARK_HEADER]: POSTs EVENTS bodies to the
# source with wrk, every EVERY-th of each thread with "type":MARKED_TYPE (and MARK_HEADER: 1).
# Each thread stops after its share of responses (a few more may still arrive); wrk itself sleeps
# out its -d whatever its threads do, so it is interrupted once they have all stopped. Sets
# fill_s (seconds until the threads stopped) and fill_bad (non-2xx and socket errors).
fill() {
  local source="$1" n="$2" connections="$3" every="$4" marked_type="$5" header="${6:-}" start pid
  cat >"$bench_tmp/fill.lua" <<LUA
local per_thread = $(((n + threads - 1) / threads))
local every = $every
local sent, done = 0, 0
local plain, marked
function request()
  if not plain then
    local marked_headers = {["Content-Type"] = "application/json"}
    if "$header" ~= "" then marked_headers["$header"] = "1" end
    plain = wrk.format("POST", nil, {["Content-Type"] = "application/json"}, [[$BENCH_BODY]])
    marked = wrk.format("POST", nil, marked_headers, [[${BENCH_BODY/charge.succeeded/$marked_type}]])
  end
  sent = sent + 1
  if sent % every == 0 then return marked end
  return plain
end
function response(status, headers, body)
  done = done + 1
  if done >= per_thread then wrk.thread:stop() end
end
LUA
  start=$EPOCHREALTIME
  wrk -t"$threads" -c"$connections" -d3h --timeout 60s -s "$bench_tmp/fill.lua" \
    "$REHOOK_URL/in/$source" >"$bench_tmp/fill.out" 2>&1 &
  pid=$!
  bench_pids+=("$pid")
  for _ in $(seq 1 100); do
    [ "$(tasks "$pid")" -gt 1 ] || ! bench_alive "$pid" && break
    sleep 0.1
  done
  while bench_alive "$pid" && [ "$(tasks "$pid")" -gt 1 ]; do sleep 0.1; done
  fill_s=$(seconds_since "$start")
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" || true
  fill_bad=$(awk '/Non-2xx/ { bad += $NF } /Socket errors/ { gsub(/,/, ""); bad += $4 + $6 + $8 + $10 }
    END { print bad + 0 }' "$bench_tmp/fill.out")
}

fill_from_ms=$(($(now_ms) - 1000))
echo "== scale ($store): $events events: $side on a forwarded side source, 1 in $fail_every failing at the destination; $main on the main source =="
fill "$side_source" "$side" "$side_connections" "$fail_every" charge.failed X-Fail
side_fill_s=$fill_s
side_bad=$fill_bad
since="from=$(urlencode "$(iso_ms "$fill_from_ms")")"
# Every first attempt logged (the retries wait a day)?
last=-1 last_change=$EPOCHREALTIME
while :; do
  routed=$(stats_sum "$since&destination_id=$destination" captured)
  attempted=$(stats_sum "$since&destination_id=$destination" delivered failed)
  [ "$attempted" -ge "$routed" ] && break
  if [ "$attempted" != "$last" ]; then last=$attempted last_change=$EPOCHREALTIME; fi
  if awk -v a="$last_change" -v b="$EPOCHREALTIME" 'BEGIN { exit !(b - a > 60) }'; then
    echo "forwarding made no progress for 60 s ($attempted of $routed attempted)" >&2
    exit 1
  fi
  sleep 1
done
failing=$(stats_sum "$since&destination_id=$destination" failed)
echo "side source: $routed events in ${side_fill_s}s (non-2xx or errors: $side_bad); forwarded, $failing failed at the destination"

main_from_ms=$(now_ms)
fill "$main_source" "$main" "$main_connections" "$tag_every" charge.refunded
main_fill_s=$fill_s
main_bad=$fill_bad
main_to_ms=$(now_ms)
sleep 1
to_ms=$(($(now_ms) + 1000))
captured_main=$(stats_sum "$since&source_id=$main_source" captured)
captured=$(stats_sum "$since" captured)
tagged=$((threads * (main / threads / tag_every)))  # about: each thread tags its own
fill_rate=$(awk -v n="$captured_main" -v s="$main_fill_s" 'BEGIN { printf "%.0f", n / s }')
echo "main source: $captured_main events in ${main_fill_s}s: $fill_rate events/s (non-2xx or errors: $main_bad)"
echo "store: $captured events"

# --- Measurements -----------------------------------------------------------------------------
# bench/read_timer.py URL KEY MODE ...: times calls on one keep-alive connection; prints
# "<p50 ms> <p99 ms> <max ms> <calls> <info>" (nearest-rank percentiles).
measure() { python3 "$bench_root/bench/read_timer.py" "$REHOOK_URL" "$REHOOK_KEY" "$@"; }

rows=()  # "<name>|<p50>|<p99>|<max>|<calls>|<target ms or ->|<target text>|<info>"
row() {  # row NAME TARGET_MS MEASURE_ARGS...: runs measure, keeps a summary row, prints it
  local name="$1" target="$2" p50 p99 max calls info
  shift 2
  read -r p50 p99 max calls info < <(measure "$@")
  rows+=("$name|$p50|$p99|$max|$calls|$target|$([ "$target" = - ] && echo none || echo "p99 < $target")|$info")
  printf '  %-50s p50 %8s  p99 %8s  max %8s ms  (%s calls%s)\n' "$name" "$p50" "$p99" "$max" "$calls" "${info:+; $info}"
}

from_iso=$(iso_ms "$fill_from_ms")
to_iso=$(iso_ms "$to_ms")
whole="\"destination_id\":\"$destination\",\"from\":\"$from_iso\",\"to\":\"$to_iso\",\"max_events\":10000"
tag_filter=$(urlencode '{"body":{"type":"charge.refunded"}}')
day_ago=$(urlencode "$(iso_ms $(($(now_ms) - 86400000)))")

echo "measuring (ms):"
row "newest page (limit 50)" 5 repeat "/v1/events?limit=50" 100
row "random one-second window (limit 50)" 5 windows 100 "$main_from_ms" "$main_to_ms"
row "cursor paging, 100 pages of 50" 5 pages "/v1/events?limit=50" 100
row "search page: q (1 in $tag_every)" 250 pages "/v1/events?limit=50&q=charge.refunded" 20
row "search page: filter on body.type (1 in $tag_every)" 250 pages "/v1/events?limit=50&filter=$tag_filter" 20
row "stats for a day, by the hour" - repeat "/v1/stats?bucket=hour&from=$day_ago" 20
row "dry run over the whole range (only: all)" 100 dry_run "{$whole}" 10
row "replay job creation over the whole range" 100 create "{$whole,\"rate_limit\":1}" 5
row "failed-only dry run over the whole range" 100 dry_run "{$whole,\"only\":\"failed\"}" 5
counted_failed=${rows[-1]##*total }
expected_failed=$failing
[ "$expected_failed" -gt 10000 ] && expected_failed=10000

# --- Bytes per event --------------------------------------------------------------------------
stored_bytes=$(store_bytes)
read -r body_bytes header_bytes < <(measure payload 10)
per_event=$(awk -v a="$stored_bytes" -v b="$empty_bytes" -v n="$captured" 'BEGIN { printf "%.0f", (a - b) / n }')
sent_per_event=$(awk -v b="$body_bytes" -v h="$header_bytes" 'BEGIN { printf "%.0f", b + h }')
bytes_ratio=$(awk -v a="$per_event" -v b="$sent_per_event" 'BEGIN { printf "%.2f", a / b }')
echo "  stored: $((stored_bytes / 1048576)) MB (empty store $((empty_bytes / 1024)) KB): $per_event bytes per event;" \
  "sent: $body_bytes body + $header_bytes header bytes; ratio $bytes_ratio"

# --- Restart after kill -9 --------------------------------------------------------------------
# restart: kills rehook with SIGKILL, starts it again on the same data dir and port; sets
# restart_healthy and restart_ready (seconds until /healthz, then /readyz, answered 200).
restart() {
  local started dead="$REHOOK_PID" pids=() pid code
  kill -9 "$dead"
  wait "$dead" 2>/dev/null || true
  for pid in "${bench_pids[@]}"; do [ "$pid" = "$dead" ] || pids+=("$pid"); done
  bench_pids=("${pids[@]}")
  restart_healthy=""
  started=$EPOCHREALTIME
  "${REHOOK_BINARY:-$bench_root/build/release/src/rehook}" serve --listen "127.0.0.1:$port" \
    --data-dir "$data_dir" --log-level warn "${serve_flags[@]}" \
    >>"$bench_tmp/scale/stdout" 2>>"$bench_tmp/scale/stderr" &
  REHOOK_PID=$!
  bench_pids+=("$REHOOK_PID")
  while :; do
    bench_alive "$REHOOK_PID" || { echo "rehook did not restart: $(tail -3 "$bench_tmp/scale/stderr")" >&2; exit 1; }
    if [ -z "$restart_healthy" ]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$REHOOK_URL/healthz" || true)
      [ "$code" = 200 ] && restart_healthy=$(seconds_since3 "$started")
    fi
    if [ -n "$restart_healthy" ]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$REHOOK_URL/readyz" || true)
      [ "$code" = 200 ] && break
    fi
    if [ "$(seconds_since "$started" | cut -d. -f1)" -gt 300 ]; then
      echo "rehook did not answer within 300 s of its restart" >&2
      exit 1
    fi
    sleep 0.01
  done
  restart_ready=$(seconds_since3 "$started")
}
seconds_since3() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'; }
restarts=()
ready=()
for i in 1 2 3; do
  restart
  restarts+=("$restart_healthy")
  ready+=("$restart_ready")
  echo "  restart $i after kill -9: /healthz after ${restart_healthy}s, /readyz after ${restart_ready}s"
done
# The history is all there after the restarts.
after=$(measure pages "/v1/events?limit=250" 1 | awk '{ print $5 }')
restart_ms=$(printf '%s\n' "${restarts[@]}" | sort -n |
  awk '{ v[NR] = $1 * 1000 } END { printf "%.0f %.0f %.0f", v[int((NR + 1) / 2)], v[NR], v[NR] }')
read -r r50 r99 rmax <<<"$restart_ms"
rows+=("restart after kill -9, until /healthz|$r50|$r99|$rmax|3|2000|max < 2000|/readyz after ${ready[*]} s")

log_note="$(grep -c '"level":"error"' "$bench_tmp/scale/stderr" || true) error, $(grep -c '"level":"warn"' "$bench_tmp/scale/stderr" || true) warn lines"
store_note=""
if [ "$store" = sqlite ]; then
  bench_stop "$REHOOK_PID"
  store_note="files after a clean stop: $(cd "$data_dir" && du -m rehook.db* | awk '{ printf "%s%s %s MB", (NR > 1 ? ", " : ""), $2, $1 }')"
fi

# --- Summary ----------------------------------------------------------------------------------
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {
  if (t == "-") print "-"; else if ((op == "<" && v < t) || (op == "<=" && v <= t)) print "pass"; else print "FAIL" }'; }
echo
echo "==================== summary ===================="
echo "store: $store, $captured events ($captured_main on the main source, about $tagged tagged;" \
  "$routed forwarded, $failing failed at the destination)"
echo "fill of the main source: $captured_main events in ${main_fill_s}s, $fill_rate events/s" \
  "(wrk, $main_connections connections, 1 KB bodies; non-2xx or errors: $main_bad)"
printf '%-50s %8s %8s %8s %6s %12s %6s\n' "" "p50 ms" "p99 ms" "max ms" "calls" "target ms" "result"
for r in "${rows[@]}"; do
  IFS='|' read -r name p50 p99 max calls target label info <<<"$r"
  printf '%-50s %8s %8s %8s %6s %12s %6s\n' "$name" "$p50" "$p99" "$max" "$calls" "$label" \
    "$(verdict "$p99" "$target" "<")"
  [ -z "$info" ] || printf '%-50s %s\n' "" "($info)"
done
echo
printf '%-50s %8s %8s %8s %12s %6s\n' "bytes per event" "stored" "sent" "ratio" "target" "result"
printf '%-50s %8s %8s %8s %12s %6s\n' "" "$per_event" "$sent_per_event" "$bytes_ratio" "<= 1.3" \
  "$(verdict "$bytes_ratio" 1.3 "<=")"
printf '%-50s %s\n' "" "(store grew $(((stored_bytes - empty_bytes) / 1048576)) MB; $body_bytes body + $header_bytes header bytes sent per event)"
echo "failed-only dry run counted $counted_failed, expected $expected_failed:" \
  "$([ "$counted_failed" = "$expected_failed" ] && echo same || echo DIFFERENT)"
echo "events listed after the restarts (first page of 250): $after"
[ -z "$store_note" ] || echo "$store_note"
echo "rehook's log: $log_note; load average before the run: $load"
exit 0
