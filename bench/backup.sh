#!/usr/bin/env bash
# Capture during an online backup: wrk (keep-alive, 1 KB JSON bodies, durable captures) against
# rehook's /in/{source} on the embedded SQLite store, first alone, then while `rehook backup`
# copies the store again and again (each copy: SQLite's online backup API from one read
# snapshot, synced as it grows, streamed to the CLI, which syncs its own copy the same way).
# The store is filled first so that a copy takes a while. Prints both rates, their ratio, p99
# latency, how long each backup took and how large it was, and whether any copy restarted.
# With MAX_RATE (MB/s) each backup is `rehook backup --max-rate MAX_RATE`.
#   bench/backup.sh [seconds=20] [connections=64] [fill seconds=30] [MAX_RATE]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

duration="${1:-20}"
connections="${2:-64}"
fill="${3:-30}"
rate_flag=()
[ -n "${4:-}" ] && rate_flag=(--max-rate "$4")
threads=2

bench_build
bench_post_script "$bench_tmp/post.lua"
bench_start_rehook backup
source_id=$(bench_create_source)
rehook="${REHOOK_BINARY:-$bench_root/build/release/src/rehook}"

run_wrk() {
  wrk -t"$threads" -c"$connections" -d"$1s" --latency -s "$bench_tmp/post.lua" \
    "$REHOOK_URL/in/$source_id"
}

echo "filling the store for ${fill}s..."
run_wrk "$fill" >/dev/null
stored=$(curl -sf "$REHOOK_URL/metrics" | awk '/^rehook_captured_events_total/ { s += $2 } END { print s + 0 }')

read -r alone_rps alone_p99 alone_bad < <(run_wrk "$duration" | bench_parse_wrk)

# Backups back to back for as long as wrk runs.
backup_loop() {
  local n=0
  while [ ! -f "$bench_tmp/stop" ]; do
    n=$((n + 1))
    local started=$(date +%s.%N)
    REHOOK_URL="$REHOOK_URL" REHOOK_API_KEY="$REHOOK_KEY" \
      "$rehook" backup --to "$bench_tmp/copy.db" --force "${rate_flag[@]}" 2>/dev/null
    local ended=$(date +%s.%N)
    echo "$(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.2f", b - a }') $(stat -c %s "$bench_tmp/copy.db")" \
      >>"$bench_tmp/backups"
  done
}
: >"$bench_tmp/backups"
backup_loop &
loop_pid=$!
read -r during_rps during_p99 during_bad < <(run_wrk "$duration" | bench_parse_wrk)
touch "$bench_tmp/stop"
wait "$loop_pid"

backups=$(wc -l <"$bench_tmp/backups")
read -r avg_s size < <(awk '{ t += $1; s = $2 } END { printf "%.2f %d\n", t / NR, s }' "$bench_tmp/backups")
ratio=$(awk -v a="$during_rps" -v b="$alone_rps" 'BEGIN { printf "%.2f", a / b }')

printf '\nstore: %s events captured before the runs; %s connections, %ss per run\n' \
  "$stored" "$connections" "$duration"
printf '%-38s %12s %10s %8s %6s\n' "capture" "requests/s" "p99 ms" "non-2xx" "ratio"
printf '%-38s %12s %10s %8s %6s\n' "alone (baseline)" "$alone_rps" "$alone_p99" "$alone_bad" "1.00"
printf '%-38s %12s %10s %8s %6s\n' "while backups run back to back${4:+ (${4} MB/s)}" "$during_rps" "$during_p99" \
  "$during_bad" "$ratio"
printf '\nbackups during the run: %s, %.1f MB each, %ss each on average\n' "$backups" \
  "$(awk -v s="$size" 'BEGIN { print s / 1048576 }')" "$avg_s"
# Each copy reads one snapshot: a restart (commits made it start over) would be logged here.
printf 'backups that restarted: %s\n' "$(grep -c backup.restarted "$bench_tmp/backup/stderr" || true)"
bench_stop "$REHOOK_PID"
exit 0
