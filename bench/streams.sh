#!/usr/bin/env bash
# What open live streams cost capture: wrk (keep-alive, 1 KB JSON bodies) against /in/{source}
# on the embedded SQLite store, in rounds that alternate between no stream open and `streams`
# clients (curl) following GET /v1/events/stream. Same server, same run. `watch`: "same" has
# every stream follow the captured source (each gets every event); "other" has them follow
# another source (streams open but idle: the feed still reads every commit). Prints each round,
# the medians, the ratio, and how many events the streams got against how many they should have.
#   bench/streams.sh [streams=100] [rounds=3] [seconds=15] [connections=64] [watch=same]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

streams="${1:-100}"
rounds="${2:-3}"
duration="${3:-15}"
connections="${4:-64}"
watch="${5:-same}"

bench_build
bench_post_script "$bench_tmp/post.lua"
bench_start_rehook streams
source_id=$(bench_create_source)
watched_id="$source_id"
[ "$watch" = other ] && watched_id=$(bench_create_source)
echo "streams follow: $watch source"
echo "body: ${#BENCH_BODY} bytes, ${connections} connections, ${duration}s per round, ${rounds} rounds, ${streams} streams"

metric() {
  curl -sf "$REHOOK_URL/metrics" | awk -v name="$1" '$1 == name { print $2 }'
}
captured() { metric rehook_captured_events_total; }

run_wrk() {
  wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$bench_tmp/post.lua" \
    "$REHOOK_URL/in/$source_id" | bench_parse_wrk | cut -d' ' -f1,2
}

open_streams() {
  stream_pids=()
  for _ in $(seq 1 "$streams"); do
    curl -sN -H "X-API-Key: $REHOOK_KEY" "$REHOOK_URL/v1/events/stream?source_id=$watched_id" \
      >/dev/null 2>&1 &
    stream_pids+=($!)
    bench_pids+=($!)
  done
  for _ in $(seq 1 100); do
    [ "$(metric rehook_event_streams)" = "$streams" ] && return
    sleep 0.1
  done
  echo "only $(metric rehook_event_streams) of $streams streams opened" >&2
  exit 1
}

close_streams() {
  kill "${stream_pids[@]}" 2>/dev/null || true
  wait "${stream_pids[@]}" 2>/dev/null || true
}

none_rates=()
with_rates=()
expected_streamed=0
printf '\n%-6s %-12s %12s %10s\n' round streams requests/s "p99 ms"
for i in $(seq 1 "$rounds"); do
  read -r rps p99 < <(run_wrk)
  none_rates+=("$rps")
  printf '%-6s %-12s %12s %10s\n' "$i" none "$rps" "$p99"
  open_streams
  before=$(captured)
  read -r rps p99 < <(run_wrk)
  after=$(captured)
  # Let the streams drain what is still on its way, then count.
  sleep 2
  [ "$watch" = same ] && expected_streamed=$((expected_streamed + (after - before) * streams))
  close_streams
  with_rates+=("$rps")
  printf '%-6s %-12s %12s %10s\n' "$i" "$streams" "$rps" "$p99"
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
none_median=$(median "${none_rates[@]}")
with_median=$(median "${with_rates[@]}")
printf '\nmedian requests/s: no streams %s, %s streams %s, ratio %s\n' "$none_median" "$streams" \
  "$with_median" "$(awk -v a="$with_median" -v b="$none_median" 'BEGIN { printf "%.2f", a / b }')"
printf 'events streamed: %s (captured during stream rounds x streams: %s); closed for slowness: %s\n' \
  "$(metric rehook_events_streamed_total)" "$expected_streamed" \
  "$(metric rehook_event_streams_closed_slow_total)"
