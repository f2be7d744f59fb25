#!/usr/bin/env bash
# Live forwarding latency with and without a replay to the same destination: does replay stay in
# its own lane?
#
# One rehook (release build, fresh data dir), one sink (bench/live_latency_sink.py on loopback:
# answers 200 and logs arrival time, X-Rehook-Event-Id and whether the request is a replay).
# A source connected to a destination pointing at the sink. Then, twice:
#   (a) baseline: `rate` live captures per second for `seconds`, nothing else;
#   (b) the same live load while a replay job sends the earlier events to the same destination
#       at rate_limit 100;
# and for each live event, latency = arrival at the sink - capture request sent. Prints p50,
# p90, p99 and max of (a) and (b), their ratios (b / a), and the replay rate the sink saw during
# (b). Target: p99 of (b) within 2x of (a).
#
#   bench/live_latency.sh [seconds=20] [rate=20]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

seconds="${1:-20}"
rate="${2:-20}"
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "live_latency.sh needs $tool" >&2; exit 1; }
done

bench_build
sink_port=$(bench_free_port)
python3 "$bench_root/bench/live_latency_sink.py" "$sink_port" "$bench_tmp/sink.log" &
bench_pids+=($!)
bench_start_rehook live --allow-private-targets

api() { curl -sf -H "X-API-Key: $REHOOK_KEY" -H 'Content-Type: application/json' "$@"; }
json_id() { sed -E 's/.*"id":"([^"]+)".*/\1/'; }
source_id=$(bench_create_source)
destination_id=$(api -X POST "$REHOOK_URL/v1/destinations" \
  -d "{\"name\":\"sink\",\"url\":\"http://127.0.0.1:$sink_port/hook\"}" | json_id)
api -X POST "$REHOOK_URL/v1/connections" \
  -d "{\"source_id\":\"$source_id\",\"destination_id\":\"$destination_id\"}" >/dev/null

# History for the replay: captured through a second, unconnected source (so it is not forwarded
# live), enough for the whole of (b) at 100/s.
history_source=$(bench_create_source)
python3 "$bench_root/bench/live_latency_client.py" capture "$REHOOK_URL/in/$history_source" \
  $((seconds * 100 + 200)) >/dev/null

run_live() {  # run_live NAME: live load for $seconds, prints the client's send log path
  python3 "$bench_root/bench/live_latency_client.py" live "$REHOOK_URL/in/$source_id" "$rate" \
    "$seconds" >"$bench_tmp/$1.sent"
}

echo "live load: $rate captures/s for $seconds s, forwarded to a sink on loopback"
run_live baseline
sleep 2  # the last deliveries of (a) arrive before (b) starts

from=$(python3 -c 'import datetime; print((datetime.datetime.utcnow() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
to=$(python3 -c 'import datetime; print((datetime.datetime.utcnow() + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
api -X POST "$REHOOK_URL/v1/replay" -d "{\"destination_id\":\"$destination_id\",\
\"source_id\":\"$history_source\",\"from\":\"$from\",\"to\":\"$to\",\"rate_limit\":100,\
\"max_events\":10000}" >/dev/null
sleep 1  # the job is under way
run_live with_replay
sleep 2

python3 "$bench_root/bench/live_latency_client.py" report "$bench_tmp/sink.log" \
  "$bench_tmp/baseline.sent" "$bench_tmp/with_replay.sent"
