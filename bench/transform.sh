#!/usr/bin/env bash
# Transformation benchmark: what a JavaScript transformation costs on the forwarding path.
#
# nginx is the sink (`return 200`, one access-log line per delivery with `$msec` and the path).
# One rehook (release build, fresh data dir) gets three sources, each connected to its own
# destination on the sink:
#   none       no transformation: the baseline
#   trivial    `return request` — the fixed cost of entering the engine and carrying the
#              request across (JSON in, JSON out)
#   realistic  renames body fields, drops one, adds two headers, rewrites the path and logs a
#              line — what a "Stripe to internal service" script looks like
# Each in turn gets the same wrk load (keep-alive, 1 KB JSON bodies, like delivery.sh) and then
# drains; the figure compared is deliveries per second from the start of the load until the last
# delivery reached the sink, and rehook's CPU per delivered event. The per-run cost of the script
# itself is read from the attempts (`transformation_us`, measured around the engine call on the
# worker). Every captured event must reach the sink exactly once, with the realistic script's
# shape (checked on the path).
#
#   bench/transform.sh [--quick] [seconds=10] [connections=32] [-- rehook serve flags...]
#     --quick                 4 s runs, for development
set -euo pipefail
source "$(dirname "$0")/lib.sh"

duration=10
connections=32
bench_parse_args 4 20 "$@"
drain_stall_s=45

for tool in wrk nginx curl sqlite3 python3; do
  command -v "$tool" >/dev/null || { echo "transform.sh needs $tool" >&2; exit 1; }
done

bench_build
bench_post_script "$bench_tmp/post.lua"

now() { date +%s.%N; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

bench_start_logging_sink '$msec $uri $status $http_x_trace'
sink_port=$SINK_PORT
sink_log=$SINK_LOG

bench_start_rehook transform --allow-private-targets "${extra_flags[@]}"
rehook_pid=$REHOOK_PID
db="$bench_tmp/transform/data/rehook.db"

api() {  # api METHOD PATH JSON: prints the response body, fails on a non-2xx answer
  curl -sf -X "$1" "$REHOOK_URL$2" -H "X-API-Key: $REHOOK_KEY" -H 'Content-Type: application/json' -d "$3"
}
json_id() { sed -E 's/.*"id":"([^"]+)".*/\1/'; }
store() { sqlite3 -readonly -cmd '.timeout 10000' "$db" "$1"; }

trivial_code='function transform(request, context) { return request; }'
realistic_code=$(
  cat <<'JS'
function transform(request, context) {
  const body = request.body;
  if (body.type === 'charge.refunded') return null;
  const object = body.data.object;
  request.body = {
    event: body.type,
    reference: body.id,
    amount_cents: object.amount,
    currency: object.currency.toUpperCase(),
    note: object.description.slice(0, 64),
    received_at: new Date(context.received_at || Date.now()).toISOString(),
  };
  request.headers['X-Trace'] = 'bench-' + body.id;
  request.headers['X-Source'] = context.source_id || 'unknown';
  delete request.headers['user-agent'];
  request.path = '/realistic-shaped';
  console.log('shaped', body.id, object.amount);
  return request;
}
JS
)
json_string() { python3 -c 'import json, sys; print(json.dumps(sys.stdin.read()))'; }

declare -A source_of path_of trf_of
for variant in none trivial realistic; do
  source_of[$variant]=$(bench_create_source)
  destination=$(api POST /v1/destinations \
    "{\"name\":\"$variant\",\"url\":\"http://127.0.0.1:$sink_port/$variant\"}" | json_id)
  link="{\"source_id\":\"${source_of[$variant]}\",\"destination_id\":\"$destination\""
  trf_of[$variant]=""
  case $variant in
    trivial) code=$trivial_code ;;
    realistic) code=$realistic_code ;;
    *) code="" ;;
  esac
  if [ -n "$code" ]; then
    trf_of[$variant]=$(api POST /v1/transformations \
      "{\"name\":\"$variant\",\"code\":$(printf '%s' "$code" | json_string)}" | json_id)
    link="$link,\"transformation_id\":\"${trf_of[$variant]}\""
  fi
  api POST /v1/connections "$link}" >/dev/null
done
path_of[none]=/none
path_of[trivial]=/trivial
path_of[realistic]=/realistic/realistic-shaped  # the script's path goes after the URL's path
echo "body: ${#BENCH_BODY} bytes, ${connections} connections, 2 wrk threads, ${duration}s per run"

declare -A rate_of cpu_of captured_of delivered_of run_us_of exact_of
for variant in none trivial realistic; do
  echo "$variant ..."
  count() { awk -v p="${path_of[$variant]}" '$2 == p' "$sink_log" | wc -l; }
  cpu0=$(bench_cpu_seconds "$rehook_pid")
  t0=$(now)
  wrk -t2 -c"$connections" -d"${duration}s" -s "$bench_tmp/post.lua" \
    "$REHOOK_URL/in/${source_of[$variant]}" >"$bench_tmp/wrk-$variant.txt"
  sleep 0.3
  captured=$(store "SELECT count(*) FROM events WHERE source_id = '${source_of[$variant]}'")
  last_n=-1
  last_progress=$(date +%s)
  while :; do
    n=$(count)
    [ "$n" -ge "$captured" ] && break
    if [ "$n" -ne "$last_n" ]; then last_n=$n; last_progress=$(date +%s); fi
    if [ $(($(date +%s) - last_progress)) -ge "$drain_stall_s" ] || ! bench_alive "$rehook_pid"; then
      echo "  stalled at $n of $captured deliveries" >&2
      break
    fi
    sleep 0.1
  done
  cpu1=$(bench_cpu_seconds "$rehook_pid")
  sleep 0.5  # late duplicates, if any, show up in the count
  read -r delivered last < <(awk -v p="${path_of[$variant]}" '$2 == p { n++; if ($1 > l) l = $1 }
    END { printf "%d %.3f\n", n, l }' "$sink_log")
  captured_of[$variant]=$captured
  delivered_of[$variant]=$delivered
  rate_of[$variant]=$(awk -v n="$delivered" -v a="$t0" -v b="$last" 'BEGIN { printf "%.0f", n / (b - a) }')
  cpu_of[$variant]=$(awk -v c0="$cpu0" -v c1="$cpu1" -v n="$delivered" \
    'BEGIN { if (n > 0) printf "%.0f", (c1 - c0) * 1e6 / n }')
  if [ -n "${trf_of[$variant]}" ]; then
    # p50 and p99 of the script's own time per run, from the attempts.
    run_us_of[$variant]=$(store "SELECT transformation_us FROM delivery_attempts
        WHERE transformation_id = '${trf_of[$variant]}' ORDER BY transformation_us" |
      awk '{ v[NR] = $1 } END { if (NR) printf "%d / %d", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1]; else print "n/a" }')
  else
    run_us_of[$variant]="-"
  fi
  failed=$(store "SELECT count(*) FROM delivery_attempts a JOIN events e ON e.id = a.event_id
      WHERE e.source_id = '${source_of[$variant]}' AND a.success = 0")
  if [ "$delivered" -eq "$captured" ] && [ "$failed" -eq 0 ]; then exact_of[$variant]=yes; else
    exact_of[$variant]="NO (captured $captured, delivered $delivered, failed attempts $failed)"
  fi
  sleep 1
done

traced=$(awk '$2 == "/realistic/realistic-shaped" && $4 ~ /^bench-evt_bench$/' "$sink_log" | wc -l)

printf '\n%-11s %10s %10s %14s %14s %18s  %s\n' "script" "captured" "delivered" "delivered/s" \
  "ratio vs none" "CPU µs/delivery" "script run µs p50 / p99"
for variant in none trivial realistic; do
  printf '%-11s %10s %10s %14s %14s %18s  %s\n' "$variant" "${captured_of[$variant]}" \
    "${delivered_of[$variant]}" "${rate_of[$variant]}" "$(ratio "${rate_of[$variant]}" "${rate_of[none]}")" \
    "${cpu_of[$variant]}" "${run_us_of[$variant]}"
done
printf '\nexactly once: none %s; trivial %s; realistic %s\n' "${exact_of[none]}" "${exact_of[trivial]}" \
  "${exact_of[realistic]}"
printf 'realistic deliveries carrying the added header: %s of %s\n' "$traced" "${delivered_of[realistic]}"
if bench_alive "$rehook_pid"; then echo "rehook alive: yes"; else echo "rehook alive: NO"; fi
exit 0
