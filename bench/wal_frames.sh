#!/usr/bin/env bash
# Which tables and indexes the WAL bytes of captured events go to: wrk (keep-alive, 1 KB JSON
# bodies) against rehook's /in/{source}, and after a few seconds rehook is killed with SIGKILL so
# that its last WAL frames stay in the file; bench/wal_frames.py breaks them down per commit.
# Also prints the events per commit from the server's metrics.
#   bench/wal_frames.sh [seconds=4] [connections=256]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

duration="${1:-4}"
connections="${2:-256}"

bench_build
bench_post_script "$bench_tmp/post.lua"

bench_start_rehook frames
source_id=$(bench_create_source)
# Killed while wrk still runs, so that the WAL holds commits made under full load.
wrk -t2 -c"$connections" -d"$((duration + 5))s" -s "$bench_tmp/post.lua" \
  "$REHOOK_URL/in/$source_id" >/dev/null 2>&1 &
wrk_pid=$!
sleep "$duration"
curl -s "$REHOOK_URL/metrics" |
  awk '/^rehook_captured_events_total/ { e = $2 } /^rehook_store_commit_batches/ { b = $2 }
       END { if (b > 0) printf "%.0f events captured, %.1f per commit\n", e, e / b }'
kill -9 "$REHOOK_PID"
wait "$REHOOK_PID" 2>/dev/null || true
wait "$wrk_pid" 2>/dev/null || true
data="$bench_tmp/frames/data"
python3 "$bench_root/bench/wal_frames.py" "$data/rehook.db" "$data/rehook.db-wal"
