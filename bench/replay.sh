#!/usr/bin/env bash
# Replay benchmark: replay jobs delivering to nginx (`return 200`, access log with $msec and the
# X-Rehook-Replay-Job-Id header) on another loopback port. The baseline is the configured limit:
# every rate is printed with its ratio to it.
#
#   bench/replay.sh [rate|rss|all] [--quick] [N] [seconds]
#
#   rate [jobs=500] [seconds=30]
#       Captures enough ~1 KB events, creates one destination and `jobs` replay jobs at
#       rate_limit 100 over the same range (in parallel), then measures for `seconds` once all are
#       created: aggregate deliveries/s, each job's worst one-second window (sliding, as nginx
#       logged the deliveries), each job's achieved rate over its active part of the window
#       (median / p10 / min, as fractions of the limit), and rehook's peak RSS and CPU.
#       Targets: no window over the limit, median >= 0.95 of it.
#   rss [events=10000]
#       Captures `events` events of 1 MiB, replays them in one job at rate 100 and prints, for
#       every 10 % of progress, rehook's RSS (min-max of 0.5 s samples) and the rate at the sink,
#       then min/max over the whole replay. Needs ~2 MiB of disk per event (10 000 took 18.6 GB):
#       with less free space it runs 2000 events and says so.
#   all: rate, then rss, with their default sizes.
#   --quick: 50 jobs for 10 s, and 500 events for rss (for development).
#   --postgres: rehook on a local PostgreSQL (fsync on) instead of its embedded SQLite store.
#   --against=BINARY [--rounds=N]: rate only; N rounds (default 3) of this tree's build and N of
#       BINARY (an earlier build, e.g. main's copied aside), interleaved so that both see the same
#       machine, then each figure's median per build and their ratio (this tree / BINARY).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

mode=rate
quick=0
store=sqlite
against=""
rounds=3
args=()
for arg in "$@"; do
  case "$arg" in
    rate | rss | all) mode="$arg" ;;
    --quick) quick=1 ;;
    --postgres) store=postgres ;;
    --against=*) against="${arg#--against=}" ;;
    --rounds=*) rounds="${arg#--rounds=}" ;;
    -h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$arg") ;;
  esac
done
if [ "$mode" = all ] && [ "${#args[@]}" -gt 0 ]; then
  echo "all runs both scenarios at their default sizes (or --quick): no numbers" >&2
  exit 2
fi
if [ -n "$against" ] && { [ "$mode" != rate ] || [ ! -x "$against" ]; }; then
  echo "--against needs the rate scenario and an executable rehook binary" >&2
  exit 2
fi
if [ "$quick" = 1 ]; then
  jobs="${args[0]:-50}" seconds="${args[1]:-10}" rss_events="${args[0]:-500}"
else
  jobs="${args[0]:-500}" seconds="${args[1]:-30}" rss_events="${args[0]:-10000}"
fi
rate=100            # the API's highest rate_limit
small_body=1024     # "a typical provider event"
big_body=$((1 << 20))

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # 500 outbound connections plus the API's
summary=()
compared=()  # compare mode: "<build> <aggregate/s> <us per delivery> <median> <min> <worst> <over>"

bench_build
[ "$store" = postgres ] && bench_start_postgres

# --- The sink: nginx answering 200, logging when each replayed delivery arrived -------------
sink_port=$(bench_free_port)
sink_log="$bench_tmp/sink/access.log"
mkdir -p "$bench_tmp/sink"
cat >"$bench_tmp/sink/nginx.conf" <<NGINX
worker_processes auto;
worker_rlimit_nofile 16384;
pid $bench_tmp/sink/nginx.pid;
error_log $bench_tmp/sink/error.log;
events { worker_connections 8192; }
http {
  # \$msec: when the request was logged (its response sent), in seconds with millisecond precision.
  log_format replay '\$msec \$status \$pid.\$connection \$http_x_rehook_replay_job_id';
  access_log $sink_log replay buffer=256k flush=1s;
  client_body_temp_path $bench_tmp/sink/body;
  client_max_body_size 0;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$sink_port;
    location / { return 200 'ok'; }
  }
}
NGINX
nginx -c "$bench_tmp/sink/nginx.conf" -g 'daemon off;' &
bench_pids+=($!)
sink_pid=$!
sleep 0.5
curl -sf "http://127.0.0.1:$sink_port/" >/dev/null || { echo "the nginx sink did not start" >&2; exit 1; }

# CPU seconds of the nginx master and workers.
sink_cpu_seconds() {
  local total=0 pid
  for pid in "$sink_pid" $(cat "/proc/$sink_pid/task/$sink_pid/children" 2>/dev/null); do
    total=$(awk -v t="$total" -v c="$(bench_cpu_seconds "$pid")" 'BEGIN { print t + c }')
  done
  echo "$total"
}

# Makes nginx write out its buffered access log.
flush_sink_log() {
  kill -USR1 "$sink_pid" 2>/dev/null || true
  sleep 1
}

# --- Helpers ----------------------------------------------------------------------------------

# capture N BODY_BYTES CONNECTIONS: POSTs N JSON bodies of BODY_BYTES to the source with wrk
# (each thread stops after its share; a few more may arrive). Sets capture_s and capture_bad.
cat >"$bench_tmp/capture.lua" <<'LUA'
local size = tonumber(os.getenv("BENCH_BODY_BYTES"))
local per_thread = tonumber(os.getenv("BENCH_PER_THREAD"))
local head, tail = '{"type":"charge.succeeded","data":"', '"}'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = head .. string.rep("x", size - #head - #tail) .. tail
local done = 0
function response(status, headers, body)
  done = done + 1
  if done >= per_thread then wrk.thread:stop() end
end
LUA
capture() {
  local n="$1" bytes="$2" connections="$3" threads=2 start pid
  start=$EPOCHREALTIME
  BENCH_BODY_BYTES="$bytes" BENCH_PER_THREAD=$(((n + threads - 1) / threads)) \
    wrk -t"$threads" -c"$connections" -d1800s --timeout 60s -s "$bench_tmp/capture.lua" \
    "$REHOOK_URL/in/$source_id" >"$bench_tmp/capture.out" &
  pid=$!
  bench_pids+=("$pid")
  # wrk sleeps out its -d whatever its threads do: interrupt it (it then reports) once they
  # have all stopped, i.e. once it is down to its main thread again.
  for _ in $(seq 1 100); do
    [ "$(ls "/proc/$pid/task" 2>/dev/null | wc -l)" -gt 1 ] || ! bench_alive "$pid" && break
    sleep 0.1
  done
  while bench_alive "$pid" && [ "$(ls "/proc/$pid/task" 2>/dev/null | wc -l)" -gt 1 ]; do
    sleep 0.1
  done
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" || true
  capture_s=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  capture_bad=$(awk '/Non-2xx/ { bad = $NF } END { print bad + 0 }' "$bench_tmp/capture.out")
}

api() {  # api METHOD PATH [BODY]
  curl -sS -f -X "$1" "$REHOOK_URL$2" -H "X-API-Key: $REHOOK_KEY" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}
}

json_field() {  # json_field NAME < json: the first string or number value of NAME
  { grep -oE "\"$1\":\"?[^\",}]*" || true; } | sed -nE "1s/^\"$1\":\"?//p"
}

# POST /v1/replay `count` times (16 at once); writes the job ids to `out`.
cat >"$bench_tmp/create_jobs.py" <<'PY'
import http.client, json, sys, threading, time, urllib.parse
from concurrent.futures import ThreadPoolExecutor

url, key, count, body, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
target = urllib.parse.urlsplit(url)
local = threading.local()

def create(_):
    for _attempt in range(20):
        try:
            if getattr(local, "conn", None) is None:
                local.conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
            local.conn.request("POST", "/v1/replay", body,
                               {"X-API-Key": key, "Content-Type": "application/json"})
            response = local.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            local.conn = None
            time.sleep(0.1)
            continue
        if response.status == 201:
            return json.loads(data)["job"]["id"]
        if response.status == 429:
            time.sleep(float(response.getheader("Retry-After", "1")))
            continue
        raise RuntimeError(f"POST /v1/replay: {response.status} {data[:300]!r}")
    raise RuntimeError("POST /v1/replay: gave up after 20 attempts")

with ThreadPoolExecutor(16) as pool:
    ids = list(pool.map(create, range(count)))
with open(out, "w") as f:
    f.write("\n".join(ids) + "\n")
PY

# analyze LOG JOBS_FILE WINDOW_START WINDOW_END LIMIT: per-job figures from the sink's log.
# Prints: deliveries_in_window aggregate_per_s median_rate p10_rate min_rate worst_window
#         jobs_over_limit jobs_seen non2xx deliveries_per_connection
# A window is [t, t + 1 s) at millisecond precision, over all of a job's deliveries (not only
# those in the measurement window). A job's achieved rate is (n - 1) / (last - first) over its
# n deliveries inside the measurement window; a job with fewer than 2 there counts as 0.
cat >"$bench_tmp/analyze.py" <<'PY'
import statistics, sys
from collections import defaultdict

log, jobs_file, start, end, limit = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
jobs = set(open(jobs_file).read().split())
times = defaultdict(list)
connections = set()
non2xx = 0
for line in open(log):
    parts = line.split()
    if len(parts) != 4 or parts[3] not in jobs:
        continue
    times[parts[3]].append(round(float(parts[0]) * 1000))
    connections.add(parts[2])
    if not parts[1].startswith("2"):
        non2xx += 1

start_ms, end_ms = start * 1000, end * 1000
worst, over, rates, in_window, total = 0, 0, [], 0, 0
for job in jobs:
    ts = sorted(times.get(job, []))
    total += len(ts)
    job_worst, lo = 0, 0
    for hi, t in enumerate(ts):
        while ts[lo] <= t - 1000:
            lo += 1
        job_worst = max(job_worst, hi - lo + 1)
    worst = max(worst, job_worst)
    over += job_worst > limit
    inside = [t for t in ts if start_ms <= t <= end_ms]
    in_window += len(inside)
    if len(inside) >= 2 and inside[-1] > inside[0]:
        rates.append((len(inside) - 1) / ((inside[-1] - inside[0]) / 1000))
    else:
        rates.append(0.0)
rates.sort()
p10 = rates[int(len(rates) * 0.1)] if rates else 0
print(in_window, f"{in_window / (end - start):.0f}", f"{statistics.median(rates):.2f}",
      f"{p10:.2f}", f"{rates[0]:.2f}", worst, over, sum(1 for j in jobs if times.get(j)), non2xx,
      f"{total / max(1, len(connections)):.0f}")
PY

# rss_stats FILE FROM TO: "<min MB> <max MB> <samples>" of the watcher's samples in [FROM, TO].
rss_stats() {
  awk -v a="$2" -v b="$3" '$1 >= a && $1 <= b {
      n++; if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2 }
    END { printf "%.1f %.1f %d\n", min / 1024, max / 1024, n }' "$1"
}

log_levels() {  # log_levels NAME: "<n> error, <n> warn" lines in that rehook's log
  echo "$(grep -c '"level":"error"' "$bench_tmp/$1/stderr" || true) error," \
    "$(grep -c '"level":"warn"' "$bench_tmp/$1/stderr" || true) warn lines"
}

mb() { awk -v kb="${1:-0}" 'BEGIN { printf "%.1f", kb / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b == 0 ? 0 : a / b) }'; }

start_scenario() {  # start_scenario NAME [serve flags...]: rehook, a source, a destination
  local store_flags=()
  [ "$store" = postgres ] && store_flags=(--database "$(bench_new_database "$1")")
  bench_start_rehook "$@" "${store_flags[@]}" --allow-private-targets --api-rate-limit 100000 \
    --api-rate-burst 100000
  rss_file="$bench_tmp/$1/rss"
  bench_watch_rss "$REHOOK_PID" "$rss_file"
  source_id=$(bench_create_source)
  destination_id=$(api POST /v1/destinations \
    "{\"name\":\"sink\",\"url\":\"http://127.0.0.1:$sink_port/replay\"}" | json_field id)
}

# --- Scenario 1: many concurrent jobs at the highest rate --------------------------------------
run_rate() {  # run_rate [NAME=rate] [BUILD LABEL]: one scenario in $bench_tmp/NAME
  local name="${1:-rate}" build="${2:-}"
  # Enough events that every job still runs at the end of the window, even the first created.
  local events=$((rate * (seconds + 15)))
  [ "$events" -gt 10000 ] && events=10000
  echo "== rate${build:+ ($build)}: $jobs jobs x rate_limit $rate for ${seconds}s; $events events of $small_body bytes each =="
  local load
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  start_scenario "$name"

  local from to
  from=$(bench_iso_time "$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.3f", t - 2 }')")
  capture "$events" "$small_body" 32
  sleep 1
  to=$(bench_iso_time "$EPOCHREALTIME")
  echo "captured $events events in ${capture_s}s (non-2xx: $capture_bad)"

  local body create_start create_s
  body="{\"destination_id\":\"$destination_id\",\"from\":\"$from\",\"to\":\"$to\",\"rate_limit\":$rate,\"max_events\":$events}"
  api POST '/v1/replay?dry_run=true' "$body" >"$bench_tmp/$name/dry_run"
  echo "each job covers $(json_field total <"$bench_tmp/$name/dry_run") events"
  create_start=$EPOCHREALTIME
  python3 "$bench_tmp/create_jobs.py" "$REHOOK_URL" "$REHOOK_KEY" "$jobs" "$body" "$bench_tmp/$name/jobs"
  create_s=$(awk -v a="$create_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  echo "created $jobs jobs in ${create_s}s; measuring for ${seconds}s"

  local cpu_start cpu_end machine_start machine_end sink_cpu_start sink_cpu_end
  bench_thread_cpu "$REHOOK_PID" >"$bench_tmp/$name/threads.start"
  sink_cpu_start=$(sink_cpu_seconds)
  machine_start=$(bench_machine_cpu)
  cpu_start=$(bench_cpu_seconds "$REHOOK_PID")
  local window_start=$EPOCHREALTIME
  sleep "$seconds"
  local window_end=$EPOCHREALTIME
  cpu_end=$(bench_cpu_seconds "$REHOOK_PID")
  machine_end=$(bench_machine_cpu)
  sink_cpu_end=$(sink_cpu_seconds)
  bench_thread_cpu "$REHOOK_PID" >"$bench_tmp/$name/threads.end"
  local elapsed
  elapsed=$(awk -v a="$window_start" -v b="$window_end" 'BEGIN { print b - a }')
  # The busiest threads (named by rehook: rehook-commit, rehook-replay-0, ...): is one of them
  # a saturated core?
  local busiest
  busiest=$(awk -v s="$elapsed" 'NR == FNR { a[$1] = $2; next }
      { printf "%.0f %s\n", ($2 - a[$1]) / s * 100, $1 }' \
    "$bench_tmp/$name/threads.start" "$bench_tmp/$name/threads.end" | sort -rn | head -5 |
    while read -r share tid; do
      echo "$share $(cat "/proc/$REHOOK_PID/task/$tid/comm" 2>/dev/null || echo "tid $tid")"
    done | awk '{ printf "%s%s %s%%", (NR > 1 ? ", " : ""), $2, $1 }')
  local hwm
  hwm=$(bench_proc_kb "$REHOOK_PID" VmHWM)
  local rss_min rss_max rss_n
  read -r rss_min rss_max rss_n < <(rss_stats "$rss_file" "$create_start" "$window_end")

  # rehook's own counters, summed over the jobs (GET /v1/replay pages through the live ones).
  local cursor="" page counters="$bench_tmp/$name/counters"
  : >"$counters"
  while :; do
    page=$(api GET "/v1/replay?limit=250${cursor:+&cursor=$cursor}") || break
    echo "$page" >>"$counters"
    cursor=$(echo "$page" | sed -nE 's/.*"next_cursor":"([^"]+)".*/\1/p')
    [ -n "$cursor" ] || break
  done
  local processed failed statuses
  processed=$({ grep -o '"processed":[0-9]*' "$counters" || true; } | awk -F: '{ s += $2 } END { print s + 0 }')
  failed=$({ grep -o '"failed":[0-9]*' "$counters" || true; } | awk -F: '{ s += $2 } END { print s + 0 }')
  statuses=$({ grep -o '"status":"[a-z_]*"' "$counters" || true; } | cut -d'"' -f4 | sort | uniq -c |
    awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')

  # Connections rehook closed toward the sink in the last minute or so (it closes first, so the
  # TIME-WAIT sockets are its own): a measure of how little its keep-alive pool reuses them.
  local time_wait
  time_wait=$(ss -Htan state time-wait "( dport = :$sink_port )" 2>/dev/null | wc -l)

  local alive=yes
  bench_alive "$REHOOK_PID" || alive="NO: $(tail -3 "$bench_tmp/$name/stderr")"

  local stop_start stop_s
  stop_start=$EPOCHREALTIME
  bench_stop "$REHOOK_PID"
  stop_s=$(awk -v a="$stop_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  flush_sink_log

  local delivered aggregate median p10 min worst over seen non2xx per_conn
  read -r delivered aggregate median p10 min worst over seen non2xx per_conn < <(
    python3 "$bench_tmp/analyze.py" "$sink_log" "$bench_tmp/$name/jobs" "$window_start" "$window_end" "$rate")
  local cpu cpu_per_delivery sink_cpu machine
  cpu=$(awk -v a="$cpu_start" -v b="$cpu_end" -v s="$elapsed" 'BEGIN { printf "%.0f", (b - a) / s * 100 }')
  cpu_per_delivery=$(awk -v a="$cpu_start" -v b="$cpu_end" -v n="$delivered" \
    'BEGIN { printf "%.0f", (n == 0 ? 0 : (b - a) / n * 1e6) }')
  sink_cpu=$(awk -v a="$sink_cpu_start" -v b="$sink_cpu_end" -v s="$elapsed" 'BEGIN { printf "%.0f", (b - a) / s * 100 }')
  machine=$(echo "$machine_start $machine_end" | awk -v cores="$(nproc)" \
    '{ printf "%.0f%% busy, %.0f%% stolen (of %d cores)", ($4 - $1) / ($6 - $3) * 100, ($5 - $2) / ($6 - $3) * 100, cores }')

  summary+=(
    ""
    "replay rate ($store${build:+, $build}): $jobs jobs x rate_limit $rate/s, $(printf %.1f "$elapsed")s window after all jobs were created"
    "$(printf '  %-44s %12s %14s %7s' "" "measured" "baseline" "ratio")"
    "$(printf '  %-44s %12s %14s %7s' "aggregate deliveries/s" "$aggregate" "$((jobs * rate)) (limit)" "$(ratio "$aggregate" $((jobs * rate)))")"
    "$(printf '  %-44s %12s %14s %7s' "median per-job rate/s (target >= 0.95)" "$median" "$rate (limit)" "$(ratio "$median" "$rate")")"
    "$(printf '  %-44s %12s %14s %7s' "p10 per-job rate/s" "$p10" "$rate (limit)" "$(ratio "$p10" "$rate")")"
    "$(printf '  %-44s %12s %14s %7s' "slowest job rate/s" "$min" "$rate (limit)" "$(ratio "$min" "$rate")")"
    "$(printf '  %-44s %12s %14s %7s' "worst per-job 1 s window (target <= 1.00)" "$worst" "$rate (limit)" "$(ratio "$worst" "$rate")")"
    "$(printf '  %-44s %12s' "jobs with a window over the limit" "$over of $jobs")"
    "$(printf '  %-44s %12s' "peak RSS, sampled every 0.5 s (MB)" "$rss_max")"
    "$(printf '  %-44s %12s' "VmHWM at the end, whole process life (MB)" "$(mb "$hwm")")"
    "$(printf '  %-44s %12s' "rehook CPU in the window (% of one core)" "$cpu")"
    "$(printf '  %-44s %12s' "rehook CPU per delivery (us)" "$cpu_per_delivery")"
    "  machine in the window: $machine; nginx sink: ${sink_cpu}% of one core"
    "  busiest rehook threads (% of one core): $busiest"
    "  deliveries in the window: $delivered; jobs seen at the sink: $seen of $jobs; non-2xx: $non2xx;"
    "  deliveries per sink connection: $per_conn; connections to the sink in TIME-WAIT at the end: $time_wait"
    "  job creation: ${create_s}s; rehook stop: ${stop_s}s; load average before the run: $load"
    "  rehook's counters at the end: processed $processed, failed $failed; jobs: $statuses"
    "  rehook alive at the end: $alive; its log: $(log_levels "$name")"
  )
  compared+=("$build $aggregate $cpu_per_delivery $median $min $worst $over")
  [ -z "$build" ] || rm -rf "$bench_tmp/$name/data"  # rounds would fill the disk otherwise
}

# compare_builds: after interleaved rounds, each figure's median per build and the ratio.
compare_builds() {
  summary+=("" "median of $rounds rounds per build ($store; this tree against $against):")
  summary+=("$(printf '  %-40s %12s %12s %7s' "" "this tree" "baseline" "ratio")")
  local column label
  for column in "2 aggregate deliveries/s" "3 rehook CPU per delivery (us)" \
    "4 median per-job rate/s" "5 slowest job rate/s" "6 worst per-job 1 s window" \
    "7 jobs with a window over the limit"; do
    read -r column label <<<"$column"
    local mine theirs
    mine=$(printf '%s\n' "${compared[@]}" | awk -v c="$column" '$1 == "new" { print $c }' | sort -n |
      awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    theirs=$(printf '%s\n' "${compared[@]}" | awk -v c="$column" '$1 == "baseline" { print $c }' |
      sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
    summary+=("$(printf '  %-40s %12s %12s %7s' "$label" "$mine" "$theirs" "$(ratio "$mine" "$theirs")")")
  done
  summary+=("  every round (build, aggregate/s, us/delivery, median, slowest, worst window, jobs over):")
  local row
  for row in "${compared[@]}"; do summary+=("    $row"); done
}

# --- Scenario 2: RSS through one long job of 1 MiB events ---------------------------------------
run_rss() {
  # The data dir took 18.6 GB for 10 000 events of 1 MiB (SQLite pages and WAL): ask 2 MiB each.
  local events="$rss_events" need_kb free_kb
  need_kb=$((events * 2048))
  free_kb=$(df -Pk "$bench_tmp" | awk 'NR == 2 { print $4 }')
  echo "== rss: one job over $events events of $big_body bytes at rate_limit $rate =="
  local load
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  if [ "$free_kb" -lt "$need_kb" ]; then
    events=2000
    echo "only $((free_kb / 1048576)) GB free on $bench_tmp, $((need_kb / 1048576)) GB needed: scaled down to $events events"
    [ "$free_kb" -ge $((events * 2048)) ] || { echo "not even enough for $events events" >&2; exit 1; }
  fi
  start_scenario rss --max-body-bytes $((big_body + 65536))

  local from to
  from=$(bench_iso_time "$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.3f", t - 2 }')")
  capture "$events" "$big_body" 8
  sleep 1
  to=$(bench_iso_time "$EPOCHREALTIME")
  echo "captured $events events in ${capture_s}s ($(awk -v n="$events" -v s="$capture_s" 'BEGIN { printf "%.0f", n / s }') MB/s, non-2xx: $capture_bad);" \
    "data dir: $(cd "$bench_tmp/rss/data" && du -m rehook.db* | awk '{ printf "%s%s %s MB", (NR > 1 ? ", " : ""), $2, $1 }')"
  sleep 2
  local rss_before
  rss_before=$(bench_proc_kb "$REHOOK_PID" VmRSS)

  local job job_id total job_start
  job=$(api POST /v1/replay \
    "{\"destination_id\":\"$destination_id\",\"from\":\"$from\",\"to\":\"$to\",\"rate_limit\":$rate,\"max_events\":$events}")
  job_start=$EPOCHREALTIME
  job_id=$(echo "$job" | json_field id)
  total=$(echo "$job" | json_field total)
  echo "$job_id" >"$bench_tmp/rss/jobs"
  echo "job $job_id: $total events; RSS before: $(mb "$rss_before") MB"
  printf '  %8s %10s %9s %9s\n' progress processed elapsed "RSS MB"

  local state processed=0 status=running next=10 last_progress=$EPOCHREALTIME seen=0 rss
  local marks=("$job_start 0")  # "<time> <processed>" at every 10 %
  while :; do
    sleep 0.5
    state=$(api GET "/v1/replay/$job_id") || { echo "rehook does not answer"; break; }
    processed=$(echo "$state" | json_field processed)
    status=$(echo "$state" | json_field status)
    rss=$(bench_proc_kb "$REHOOK_PID" VmRSS)
    if [ "$processed" -gt "$seen" ]; then seen=$processed last_progress=$EPOCHREALTIME; fi
    while [ "$next" -le 100 ] && [ $((processed * 100)) -ge $((total * next)) ]; do
      local row
      row=$(printf '  %7s%% %10s %8.1fs %9s' "$next" "$processed" \
        "$(awk -v a="$job_start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')" "$(mb "$rss")")
      echo "$row"
      marks+=("$EPOCHREALTIME $processed")
      next=$((next + 10))
    done
    [ "$status" = running ] || [ "$status" = paused ] || break
    if awk -v a="$last_progress" -v b="$EPOCHREALTIME" 'BEGIN { exit !(b - a > 60) }'; then
      echo "no progress for 60 s (status $status, processed $processed of $total): giving up"
      break
    fi
  done
  local job_end=$EPOCHREALTIME
  local hwm rss_min rss_max rss_n
  hwm=$(bench_proc_kb "$REHOOK_PID" VmHWM)
  read -r rss_min rss_max rss_n < <(rss_stats "$rss_file" "$job_start" "$job_end")
  local alive=yes
  bench_alive "$REHOOK_PID" || alive="NO: $(tail -3 "$bench_tmp/rss/stderr")"
  local succeeded failed
  succeeded=$(echo "$state" | json_field succeeded)
  failed=$(echo "$state" | json_field failed)
  bench_stop "$REHOOK_PID"
  flush_sink_log

  local delivered aggregate median p10 min worst over seen_jobs non2xx per_conn elapsed
  read -r delivered aggregate median p10 min worst over seen_jobs non2xx per_conn < <(
    python3 "$bench_tmp/analyze.py" "$sink_log" "$bench_tmp/rss/jobs" "$job_start" "$job_end" "$rate")
  elapsed=$(awk -v a="$job_start" -v b="$job_end" 'BEGIN { printf "%.1f", b - a }')

  # Per 10 % of progress (as GET /v1/replay/{id} reported it): when it was reached, the rate at
  # the sink since the previous mark, and the least and most RSS sampled in between.
  awk -v job="$job_id" '$4 == job { print $1 }' "$sink_log" >"$bench_tmp/rss/times"
  local progress_rows=() i t0 n0 t1 n1 lo hi samples
  progress_rows+=("$(printf '  %8s %10s %9s %10s %16s' progress processed elapsed "sink/s" "RSS MB min-max")")
  for ((i = 1; i < ${#marks[@]}; i++)); do
    read -r t0 n0 <<<"${marks[i - 1]}"
    read -r t1 n1 <<<"${marks[i]}"
    read -r lo hi samples < <(rss_stats "$rss_file" "$t0" "$t1")
    progress_rows+=("$(printf '  %7s%% %10s %8.1fs %10s %16s' $((i * 10)) "$n1" \
      "$(awk -v a="$job_start" -v b="$t1" 'BEGIN { print b - a }')" \
      "$(awk -v a="$t0" -v b="$t1" '$1 >= a && $1 < b { n++ }
          END { if (b - a < 0.1) print "-"; else printf "%.1f", n / (b - a) }' "$bench_tmp/rss/times")" \
      "$([ "$samples" -gt 0 ] && echo "$lo-$hi" || echo -)")")
  done

  summary+=(
    ""
    "replay RSS ($store): one job over $total events of 1 MiB at rate_limit $rate/s ($status after ${elapsed}s)"
    "${progress_rows[@]}"
    "$(printf '  %-44s %12s' "RSS before the job (MB)" "$(mb "$rss_before")")"
    "$(printf '  %-44s %12s' "RSS min / max during the job (MB)" "$rss_min / $rss_max")"
    "$(printf '  %-44s %12s' "max / min" "$(ratio "$rss_max" "$rss_min")")"
    "$(printf '  %-44s %12s' "VmHWM, whole process life incl. capture (MB)" "$(mb "$hwm")")"
    "$(printf '  %-44s %12s %14s %7s' "achieved rate/s (sink)" "$median" "$rate (limit)" "$(ratio "$median" "$rate")")"
    "$(printf '  %-44s %12s %14s %7s' "worst 1 s window (sink)" "$worst" "$rate (limit)" "$(ratio "$worst" "$rate")")"
    "  processed $processed (succeeded $succeeded, failed $failed); at the sink: $delivered, non-2xx $non2xx"
    "  rehook alive at the end: $alive; its log: $(log_levels rss); load average before the run: $load"
  )
}

case "$mode" in
  rate)
    if [ -z "$against" ]; then
      run_rate
    else
      for round in $(seq 1 "$rounds"); do
        REHOOK_BINARY="$against" run_rate "rate_baseline_$round" baseline
        run_rate "rate_new_$round" new
      done
      compare_builds
    fi
    ;;
  rss) run_rss ;;
  all) run_rate; run_rss ;;
esac

echo
echo "==================== summary ===================="
printf '%s\n' "${summary[@]}"
exit 0
