#!/usr/bin/env bash
# Recovery and search at scale: a store of `events` captured events (1 KB JSON bodies, SQLite),
# every one forwarded once to nginx, which fails `failed` of them (1 in events/failed, marked by
# a header and a body type the capture sends). Then, on that store:
#   - dry runs over the whole range: `only: failed` (one standing looked up per event) against
#     `only: all` (no lookup), median of 5 each;
#   - a failed-only replay job of `failed` events (max 10 000) at the highest rate limit (100/s)
#     against an all-events job of the same size in the same run: achieved rate (ratio to the
#     limit) and rehook's CPU per replayed event;
#   - search: 100 pages of the events list (limit 50) following the cursor, with a filter that 1
#     event in events/failed passes, with `q` for the same events, and with a filter nothing
#     passes (every call spends its whole scan budget), against the plain list: p50, p99, max.
#
#   bench/recovery.sh [events=1000000] [failed=10000]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

events="${1:-1000000}"
failed="${2:-10000}"
every=$((events / failed))
rate=100
threads=2
connections=64

bench_build

# --- nginx: 500 for deliveries marked X-Fail, 200 for the rest ------------------------------
sink_port=$(bench_free_port)
bench_start_nginx "$sink_port" "if (\$http_x_fail) { return 500; } return 200 'ok';"

bench_start_rehook recovery --retry-schedule "" --allow-private-targets --api-rate-limit 100000
db="$bench_tmp/recovery/data/rehook.db"
api() {  # api METHOD PATH [BODY]
  curl -sS -X "$1" "$REHOOK_URL$2" -H "X-API-Key: $REHOOK_KEY" ${3:+-d "$3"}
}
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
source_id=$(bench_create_source)
destination_id=$(api POST /v1/destinations \
  "{\"name\":\"sink\",\"url\":\"http://127.0.0.1:$sink_port/hook\"}" | json_field id)
api POST /v1/connections \
  "{\"source_id\":\"$source_id\",\"destination_id\":\"$destination_id\"}" >/dev/null

# --- Fill: wrk sends `events` captures, every `every`-th one marked to fail ----------------
bench_post_script "$bench_tmp/post.lua"  # sets BENCH_BODY
failing_body=${BENCH_BODY/charge.succeeded/charge.failed}
cat >"$bench_tmp/fill.lua" <<LUA
local per_thread = $((events / threads))
local every = $every
local sent = 0
local ok_body = [[$BENCH_BODY]]
local failing_body = [[$failing_body]]
function request()
  sent = sent + 1
  if sent > per_thread then
    wrk.thread:stop()
  end
  if sent % every == 0 then
    return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["X-Fail"] = "1"},
                      failing_body)
  end
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, ok_body)
end
LUA
from=$(bench_iso_time "$(date +%s)")
echo "filling: $events events, 1 in $every failing at the destination"
# A wrk thread that has sent its share stops, but wrk itself waits out its duration: it is
# interrupted (SIGINT ends it cleanly) once the store holds every capture.
fill_start=$EPOCHREALTIME
wrk -t"$threads" -c"$connections" -d1h -s "$bench_tmp/fill.lua" "$REHOOK_URL/in/$source_id" \
  >"$bench_tmp/fill.txt" &
wrk_pid=$!
bench_pids+=("$wrk_pid")
while [ "$(sqlite3 "$db" "SELECT count(*) FROM events" 2>/dev/null || echo 0)" -lt "$events" ]; do
  sleep 1
done
fill_seconds=$(awk -v a="$fill_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')
kill -INT "$wrk_pid" 2>/dev/null || true
wait "$wrk_pid" 2>/dev/null || true
captured=$(sqlite3 "$db" "SELECT count(*) FROM events")
echo "captured $captured events in $fill_seconds s; waiting for every forwarding attempt"
while :; do
  attempted=$(sqlite3 "$db" "SELECT count(*) FROM delivery_standings" 2>/dev/null || echo 0)
  [ "$attempted" -ge "$captured" ] && break
  sleep 2
done
to=$(bench_iso_time "$(($(date +%s) + 1))")
failing=$(sqlite3 "$db" "SELECT count(*) FROM delivery_standings WHERE last_success = 0")
db_mb=$(du -m "$db" | cut -f1)
echo "forwarded: $failing of $captured failed; store $db_mb MB"

# The outage is over: the destination now takes everything (a replayed event still carries its
# X-Fail header, which the fixed service ignores).
fixed_port=$(bench_free_port)
bench_start_nginx "$fixed_port" "return 200 'ok';"
api PATCH "/v1/destinations/$destination_id" "{\"url\":\"http://127.0.0.1:$fixed_port/hook\"}" >/dev/null

# --- Dry runs -------------------------------------------------------------------------------
dry_run_ms() {  # dry_run_ms ONLY: the median of 5 timings of a dry run over the whole range
  for _ in 1 2 3 4 5; do
    curl -sS -o /dev/null -w '%{time_total}\n' -X POST "$REHOOK_URL/v1/replay?dry_run=true" \
      -H "X-API-Key: $REHOOK_KEY" -d "{\"destination_id\":\"$destination_id\",\"from\":\"$from\",
      \"to\":\"$to\",\"only\":\"$1\",\"max_events\":10000}"
  done | sort -n | sed -n 3p | awk '{ printf "%.0f", $1 * 1000 }'
}
dry_all=$(dry_run_ms all)
dry_failed=$(dry_run_ms failed)

# --- Replay jobs: failed-only against all, same size ----------------------------------------
run_job() {  # run_job ONLY: "<seconds> <cpu seconds> <processed>"
  local job cpu_before start status
  cpu_before=$(bench_cpu_seconds "$REHOOK_PID")
  start=$EPOCHREALTIME
  job=$(api POST /v1/replay "{\"destination_id\":\"$destination_id\",\"from\":\"$from\",
    \"to\":\"$to\",\"only\":\"$1\",\"rate_limit\":$rate,\"max_events\":$failed}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["job"]["id"])')
  while :; do
    status=$(api GET "/v1/replay/$job" | json_field status)
    [ "$status" = completed ] || [ "$status" = cancelled ] && break
    sleep 0.5
  done
  local processed
  processed=$(api GET "/v1/replay/$job" | json_field processed)
  awk -v a="$start" -v b="$EPOCHREALTIME" -v c0="$cpu_before" -v c1="$(bench_cpu_seconds "$REHOOK_PID")" \
    -v n="$processed" 'BEGIN { printf "%.1f %.2f %d\n", b - a, c1 - c0, n }'
}
echo "replaying $failed events twice at $rate/s (about $((2 * failed / rate)) s)"
read -r all_seconds all_cpu all_n < <(run_job all)
read -r failed_seconds failed_cpu failed_n < <(run_job failed)

# --- Search ---------------------------------------------------------------------------------
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
pages() {  # pages QUERY: p50, p99 and max ms over 100 pages following next_cursor, and matches
  python3 - "$REHOOK_URL" "$REHOOK_KEY" "$1" <<'PY'
import json, sys, time, urllib.request
base, key, query = sys.argv[1], sys.argv[2], sys.argv[3]
times, found, cursor = [], 0, None
for _ in range(100):
    url = f"{base}/v1/events?limit=50{query}" + (f"&cursor={cursor}" if cursor else "")
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers={"X-API-Key": key})) as r:
        page = json.load(r)
    times.append((time.perf_counter() - started) * 1000)
    found += len(page["data"])
    cursor = page["next_cursor"]
    if not cursor:
        break
times.sort()
pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
print(f"{pick(0.5):.0f} {pick(0.99):.0f} {times[-1]:.0f} {len(times)} {found}")
PY
}
read -r plain_p50 plain_p99 plain_max plain_calls plain_found < <(pages "")
read -r rare_p50 rare_p99 rare_max rare_calls rare_found < <(pages "&filter=$(urlencode '{"body":{"type":"charge.failed"}}')")
read -r q_p50 q_p99 q_max q_calls q_found < <(pages "&q=$(urlencode 'charge.failed')")
read -r none_p50 none_p99 none_max none_calls none_found < <(pages "&filter=$(urlencode '{"headers":{"x-nobody-sends":"this"}}')")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b == 0 ? 0 : a / b) }'; }
echo
echo "store: $captured events ($db_mb MB), $failing failed at the destination; filled in about $fill_seconds s"
echo
printf '%-44s %10s %8s\n' "dry run over the whole range" "ms" "ratio"
printf '%-44s %10s %8s\n' "only: all (baseline)" "$dry_all" "1.00"
printf '%-44s %10s %8s\n' "only: failed" "$dry_failed" "$(ratio "$dry_failed" "$dry_all")"
echo
printf '%-30s %8s %8s %12s %14s %8s\n' "replay job (rate $rate/s)" "events" "seconds" "events/s" "CPU µs/event" "of limit"
for row in "all (baseline):$all_n:$all_seconds:$all_cpu" "failed:$failed_n:$failed_seconds:$failed_cpu"; do
  IFS=: read -r name n seconds cpu <<<"$row"
  achieved=$(awk -v n="$n" -v s="$seconds" 'BEGIN { printf "%.1f", n / s }')
  printf '%-30s %8s %8s %12s %14s %8s\n' "$name" "$n" "$seconds" "$achieved" \
    "$(awk -v c="$cpu" -v n="$n" 'BEGIN { printf "%.0f", c * 1e6 / n }')" "$(ratio "$achieved" "$rate")"
done
echo
printf '%-44s %6s %6s %6s %6s %8s\n' "events list, limit 50, following the cursor" "p50" "p99" "max" "calls" "matches"
printf '%-44s %6s %6s %6s %6s %8s\n' "plain (baseline)" "$plain_p50" "$plain_p99" "$plain_max" "$plain_calls" "$plain_found"
printf '%-44s %6s %6s %6s %6s %8s\n' "filter on a body field, 1 in $every passes" "$rare_p50" "$rare_p99" "$rare_max" "$rare_calls" "$rare_found"
printf '%-44s %6s %6s %6s %6s %8s\n' "q (body substring), 1 in $every" "$q_p50" "$q_p99" "$q_max" "$q_calls" "$q_found"
printf '%-44s %6s %6s %6s %6s %8s\n' "filter nothing passes (whole budget)" "$none_p50" "$none_p99" "$none_max" "$none_calls" "$none_found"
echo
echo "targets: a filtered page within 250 ms p99; the failed-only job at its limit like the all job"
