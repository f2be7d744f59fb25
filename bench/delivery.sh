#!/usr/bin/env bash
# Delivery benchmark: how fast rehook forwards captured events to a local sink.
#
# nginx is the sink (`return 200` on a loopback port, one access-log line per delivery with
# `$msec` and X-Rehook-Event-Id). One rehook (release build, fresh data dir) gets two sources:
# one without a connection and one connected to a destination that points at the sink. Then:
#   (a) wrk (keep-alive, 1 KB JSON bodies, like ingest.sh) against the unconnected source:
#       the capture-only rate, the baseline;
#   (b) the same load against the connected source: the capture rate while forwarding, the
#       deliveries the sink logged during the load, then the time until the backlog has drained
#       (sink lines == events captured) and the forwarded rate including the drain.
# Finally every captured event of (b) must have arrived at the sink exactly once: the ids
# logged by the sink are compared with the ids in the store.
#
#   bench/delivery.sh [--quick] [--postgres] [seconds=15] [connections=64] [-- rehook serve flags...]
#     --quick                 5 s runs, for development
#     --postgres              store in a throw-away PostgreSQL (fsync on) instead of SQLite
#     -- FLAGS                passed to `rehook serve`, e.g. -- --destination-concurrency 64
#   DRAIN_STALL_S (default 45): give up waiting for the backlog after this long without progress
#   (the first retry of a failed delivery comes after ~30 s).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

duration=15
connections=64
postgres=no
args=()
for arg in "$@"; do
  if [ "$arg" = --postgres ] && [ "$postgres" = no ]; then postgres=yes; else args+=("$arg"); fi
done
bench_parse_args 5 20 "${args[@]}"
threads=2
drain_stall_s="${DRAIN_STALL_S:-45}"
drain_max_s=900

for tool in wrk nginx curl sqlite3 python3; do
  command -v "$tool" >/dev/null || { echo "delivery.sh needs $tool" >&2; exit 1; }
done

bench_build

now() { date +%s.%N; }
# Seconds (float) between two `now` values.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

bench_post_script "$bench_tmp/post.lua"

# The sink: a log line per delivery.
bench_start_logging_sink '$msec $http_x_rehook_event_id $request_method $status $http_content_length $uri'
sink_port=$SINK_PORT
sink_log=$SINK_LOG
# Deliveries are the log lines for /hook (not the readiness probes above).
deliveries() { awk '$6 == "/hook"' "$sink_log"; }
delivery_count() { grep -c ' /hook$' "$sink_log" || true; }

store_flags=()
if [ "$postgres" = yes ]; then
  bench_start_postgres
  pg_url=$(bench_new_database delivery)
  store_flags=(--database "$pg_url")
fi
bench_start_rehook delivery --allow-private-targets "${store_flags[@]}" "${extra_flags[@]}"
rehook_pid="${bench_pids[-1]}"
db="$bench_tmp/delivery/data/rehook.db"

api() {  # api METHOD PATH [JSON]: prints the response body, fails on a non-2xx answer
  curl -sf -X "$1" "$REHOOK_URL$2" -H "X-API-Key: $REHOOK_KEY" -H 'Content-Type: application/json' \
    ${3:+-d "$3"}
}
json_id() { sed -E 's/.*"id":"([^"]+)".*/\1/'; }

baseline_source=$(bench_create_source)
source_id=$(bench_create_source)
destination_id=$(api POST /v1/destinations \
  "{\"name\":\"sink\",\"url\":\"http://127.0.0.1:$sink_port/hook\"}" | json_id)
connection_id=$(api POST /v1/connections \
  "{\"source_id\":\"$source_id\",\"destination_id\":\"$destination_id\"}" | json_id)
[ -n "$destination_id" ] && [ -n "$connection_id" ] || { echo "setup failed" >&2; exit 1; }

# Read-only look into the store (WAL: does not block rehook).
if [ "$postgres" = yes ]; then
  store() { psql -qAt "$pg_url" -c "$1"; }
else
  store() { sqlite3 -readonly -cmd '.timeout 10000' "$db" "$1"; }
fi
captured_count() { store "SELECT count(*) FROM events WHERE source_id = '$1'"; }

# run_wrk URL OUT: runs the load, writes wrk's output to OUT.
run_wrk() {
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$bench_tmp/post.lua" "$1" >"$2"
}
# "<responses> <non-2xx> <socket errors>" from wrk output.
wrk_counts() {
  awk '/requests in/ { n = $1 }
       /Non-2xx/ { bad = $NF }
       /Socket errors/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
       END { printf "%d %d %d\n", n, bad, err }' "$1"
}
# Alive and not a zombie (a crashed child stays one until the cleanup reaps it).
rehook_alive() {
  local state
  state=$(sed 's/.*) //' "/proc/$rehook_pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}
# CPU seconds (user + system) the process has used so far.
cpu_seconds() {
  sed 's/.*) //' "/proc/$1/stat" 2>/dev/null |
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($12 + $13) / hz }'
}

concurrency=$(printf '%s\n' "${extra_flags[@]}" | awk 'prev == "--destination-concurrency" { v = $0 }
  /^--destination-concurrency=/ { sub(/.*=/, ""); v = $0 } { prev = $0 } END { print (v == "" ? "16 (default)" : v) }')
echo "body: ${#BENCH_BODY} bytes, ${connections} connections, ${threads} wrk threads, ${duration}s per run," \
  "destination concurrency ${concurrency}"

# (a) capture only.
echo "(a) capture only ..."
cpu_a0=$(cpu_seconds "$rehook_pid")
run_wrk "$REHOOK_URL/in/$baseline_source" "$bench_tmp/wrk-a.txt"
read -r base_rps base_p99 base_bad < <(bench_parse_wrk <"$bench_tmp/wrk-a.txt")
cpu_a1=$(cpu_seconds "$rehook_pid")
captured_a=$(captured_count "$baseline_source")
rehook_alive || { echo "rehook died during (a): $(tail -5 "$bench_tmp/delivery/stderr")" >&2; exit 1; }
[ "$(delivery_count)" -eq 0 ] || echo "warning: the sink got $(delivery_count) deliveries during (a)" >&2
# What (a) left dirty in the page cache is written out now, not in the middle of (b): the kernel
# writes dirty pages back 30 s after they were dirtied (vm.dirty_expire_centisecs), and on
# PostgreSQL that was ~550 MB of (a)'s relation pages landing ~13 s into (b), stalling the WAL
# fsyncs every capture waits on (p99 130-250 ms). Each phase is then measured alike, without
# the writeback of its own writes, which comes after its 15 s.
sync
sleep 2

# (b) capture while forwarding.
echo "(b) capture + forwarding ..."
cpu_b0=$(cpu_seconds "$rehook_pid")
t0=$(now)
run_wrk "$REHOOK_URL/in/$source_id" "$bench_tmp/wrk-b.txt"
t1=$(now)
read -r fwd_rps fwd_p99 fwd_bad < <(bench_parse_wrk <"$bench_tmp/wrk-b.txt")
read -r acked_total acked_bad sock_err < <(wrk_counts "$bench_tmp/wrk-b.txt")
acked=$((acked_total - acked_bad))
at_end=$(delivery_count)
sleep 0.3  # requests still in flight when wrk stopped are committed (or not) by now
captured=$(captured_count "$source_id")

# Drain: wait until the sink has seen as many deliveries as there are captured events.
echo "    captured ${captured} events, ${at_end} delivered so far; draining ..."
last_n=-1
last_progress=$(date +%s)
drained=no
while :; do
  n=$(delivery_count)
  if [ "$n" -ge "$captured" ]; then drained=yes; break; fi
  if [ "$n" -ne "$last_n" ]; then last_n=$n; last_progress=$(date +%s); fi
  t=$(date +%s)
  if [ $((t - last_progress)) -ge "$drain_stall_s" ] || ! rehook_alive ||
    [ "$(elapsed "$t1" "$(now)" | cut -d. -f1)" -ge "$drain_max_s" ]; then
    break
  fi
  sleep 0.2
done
cpu_b1=$(cpu_seconds "$rehook_pid")
sleep 1  # late duplicates, if any, show up in the check below

# Deliveries logged during the load, all of them, and when the last one came.
read -r during total last_msec < <(deliveries | awk -v t0="$t0" -v t1="$t1" '
  $1 >= t0 && $1 <= t1 { during++ } { total++; if ($1 > last) last = $1 }
  END { printf "%d %d %.3f\n", during, total, last }')
load_s=$(elapsed "$t0" "$t1")
fwd_during=$(awk -v n="$during" -v s="$load_s" 'BEGIN { printf "%.0f", n / s }')
if [ "$total" -gt 0 ]; then
  drain_s=$(awk -v a="$t1" -v b="$last_msec" 'BEGIN { d = b - a; printf "%.2f s", (d > 0 ? d : 0) }')
  # Over the load and the drain (or just the load, if the sink kept up).
  fwd_overall=$(awk -v n="$total" -v a="$t0" -v b="$last_msec" -v t1="$t1" 'BEGIN {
    e = b > t1 ? b : t1; printf "%.0f", n / (e - a) }')
else
  drain_s=n/a
  fwd_overall=0
fi
[ "$drained" = yes ] || drain_s="not drained (stalled at $(delivery_count) of $captured)"

# Exactly once: ids at the sink against ids in the store.
deliveries | awk '{ print $2 }' | sort >"$bench_tmp/delivered.ids"
store "SELECT id FROM events WHERE source_id = '$source_id'" | sort >"$bench_tmp/captured.ids"
duplicates=$(uniq -d "$bench_tmp/delivered.ids" | wc -l)
duplicate_lines=$(($(wc -l <"$bench_tmp/delivered.ids") - $(sort -u "$bench_tmp/delivered.ids" | wc -l)))
missing=$(comm -23 "$bench_tmp/captured.ids" <(sort -u "$bench_tmp/delivered.ids") | wc -l)
unknown=$(comm -13 "$bench_tmp/captured.ids" <(sort -u "$bench_tmp/delivered.ids") | wc -l)
non200=$(deliveries | awk '$4 != 200' | wc -l)
bad_length=$(deliveries | awk -v n="${#BENCH_BODY}" '$5 != n' | wc -l)
failed_attempts=$(store "SELECT count(*) FROM delivery_attempts WHERE NOT success")
pending_tasks=$(store "SELECT count(*) FROM delivery_tasks")
rehook_errors=$(grep -c '"level":"error"' "$bench_tmp/delivery/stderr" || true)

# rehook CPU per event: (a) per capture; (b) per event captured and forwarded, drain included.
cpu_a=$(awk -v c0="$cpu_a0" -v c1="$cpu_a1" -v n="$captured_a" 'BEGIN { if (n > 0) printf "%.0f", (c1 - c0) * 1e6 / n }')
cpu_b=$(awk -v c0="$cpu_b0" -v c1="$cpu_b1" -v n="$captured" 'BEGIN { if (n > 0) printf "%.0f", (c1 - c0) * 1e6 / n }')

if rehook_alive; then alive=yes; else alive="NO (crashed)"; fi
if [ "$duplicates" -eq 0 ] && [ "$missing" -eq 0 ] && [ "$unknown" -eq 0 ] && [ "$non200" -eq 0 ] &&
  [ "$bad_length" -eq 0 ] && [ "$drained" = yes ]; then
  exactly_once=yes
else
  exactly_once=NO
fi

printf '\n%-40s %12s %10s %8s\n' "capture" "requests/s" "p99 ms" "non-2xx"
printf '%-40s %12s %10s %8s\n' "(a) capture only (baseline)" "$base_rps" "$base_p99" "$base_bad"
printf '%-40s %12s %10s %8s\n' "(b) capture while forwarding" "$fwd_rps" "$fwd_p99" "$fwd_bad"
printf 'ratio (b)/(a): %s\n' "$(ratio "$fwd_rps" "$base_rps")"
printf '\n%-40s %s\n' "forwarded/s during the load" "$fwd_during  ($during deliveries in ${load_s}s)"
printf '%-40s %s\n' "backlog when the load stopped" "$((captured - during)) events"
printf '%-40s %s\n' "drain time after the load" "$drain_s"
printf '%-40s %s\n' "forwarded/s including the drain" "$fwd_overall  ($total deliveries)"
printf '%-40s %s\n' "forwarded/captured ratio (during load)" "$(ratio "$fwd_during" "$fwd_rps")"
printf '%-40s %s\n' "rehook CPU per event" "(a) ${cpu_a} µs captured; (b) ${cpu_b} µs captured + forwarded"
printf '\nexactly once: %s — captured %s (wrk saw %s x 200, %s socket errors), sink lines %s,\n' \
  "$exactly_once" "$captured" "$acked" "$sock_err" "$total"
printf '  missing %s, duplicated ids %s (%s extra lines), unknown ids %s, non-200 %s, wrong length %s\n' \
  "$missing" "$duplicates" "$duplicate_lines" "$unknown" "$non200" "$bad_length"
printf 'store: %s failed delivery attempts, %s tasks pending; rehook alive: %s, error log lines: %s\n' \
  "$failed_attempts" "$pending_tasks" "$alive" "$rehook_errors"
if [ "$rehook_errors" -gt 0 ]; then
  echo "first rehook errors:"
  grep '"level":"error"' "$bench_tmp/delivery/stderr" | head -5
fi
exit 0
