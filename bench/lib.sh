# Shared by the bench/*.sh scripts: build rehook, start it on a scratch data dir, parse wrk.
# Everything runs on 127.0.0.1 and is stopped on exit.

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_tmp="$(mktemp -d /tmp/rehook-bench-XXXXXX)"
bench_pids=()

bench_cleanup() {
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -d "$bench_tmp/pg" ] && "$bench_root/scripts/test-postgres.sh" stop "$bench_tmp/pg"
  rm -rf "$bench_tmp"
}
trap bench_cleanup EXIT

# bench_parse_args QUICK_SECONDS HELP_LAST_LINE "$@": the options the forwarding benchmarks
# share — `--quick` (runs of QUICK_SECONDS), `-h` (the script's header comment, lines
# 2..HELP_LAST_LINE), `-- FLAGS` for `rehook serve`, then [seconds] [connections]. Sets
# `duration` and `connections` when given (the caller sets their defaults first) and `extra_flags`.
bench_parse_args() {
  local quick="$1" help_end="$2" positional=()
  shift 2
  extra_flags=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --quick) duration=$quick ;;
      -h | --help) sed -n "2,${help_end}p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
      --) shift; extra_flags=("$@"); break ;;
      *) positional+=("$1") ;;
    esac
    shift
  done
  if [ "${#positional[@]}" -ge 1 ]; then duration="${positional[0]}"; fi
  if [ "${#positional[@]}" -ge 2 ]; then connections="${positional[1]}"; fi
}

bench_build() {
  "$bench_root/scripts/install-deps.sh" bench
  cmake -S "$bench_root" -B "$bench_root/build/release" -DCMAKE_BUILD_TYPE=Release \
    -DREHOOK_TESTS=OFF >/dev/null
  cmake --build "$bench_root/build/release" -j"$(nproc)" --target rehook >/dev/null
}

# bench_start_nginx PORT 'LOCATION DIRECTIVES': nginx on 127.0.0.1:PORT, access log off, with one
# `location /` holding the directives given (e.g. "return 200 'ok';").
bench_start_nginx() {
  local dir="$bench_tmp/nginx-$1"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<NGINX
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  client_max_body_size 10m;
  server {
    listen 127.0.0.1:$1;
    location / { $2 }
  }
}
NGINX
  nginx -c "$dir/nginx.conf" -g 'daemon off;' &
  bench_pids+=($!)
  sleep 0.5
}

# bench_start_logging_sink LOG_FORMAT: the sink of the forwarding benchmarks — nginx with one
# worker (the CPU is shared with rehook and wrk) answering 200 to everything, one access-log line
# per request in LOG_FORMAT (nginx variables); sets SINK_PORT and SINK_LOG, returns once it answers.
bench_start_logging_sink() {
  local dir="$bench_tmp/sink"
  SINK_PORT=$(bench_free_port)
  SINK_LOG="$dir/access.log"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<NGINX
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 4096; }
http {
  log_format sink '$1';
  access_log $SINK_LOG sink;
  client_body_temp_path $dir/body;
  client_max_body_size 10m;
  server {
    listen 127.0.0.1:$SINK_PORT;
    location / { return 200 '{"ok":true}'; }
  }
}
NGINX
  : >"$SINK_LOG"
  nginx -c "$dir/nginx.conf" -g 'daemon off;' &
  bench_pids+=($!)
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$SINK_PORT/ready" && return 0
    sleep 0.05
  done
  echo "the sink did not start: $(cat "$dir/error.log")" >&2
  exit 1
}

# bench_start_rehook NAME [serve flags...]: starts rehook (REHOOK_BINARY, or this tree's release
# build) on a scratch data dir; sets REHOOK_PID, REHOOK_URL and REHOOK_KEY.
bench_start_rehook() {
  local name="$1"
  shift
  local dir="$bench_tmp/$name"
  mkdir -p "$dir"
  "${REHOOK_BINARY:-$bench_root/build/release/src/rehook}" serve --listen 127.0.0.1:0 --data-dir "$dir/data" \
    --log-level warn "$@" >"$dir/stdout" 2>"$dir/stderr" &
  bench_pids+=($!)
  REHOOK_PID=$!
  for _ in $(seq 1 200); do
    REHOOK_URL=$(grep -oE 'https?://127.0.0.1:[0-9]+' "$dir/stdout" 2>/dev/null | head -1 || true)
    [ -n "$REHOOK_URL" ] && break
    sleep 0.05
  done
  [ -n "$REHOOK_URL" ] || { echo "rehook did not start: $(cat "$dir/stderr")" >&2; exit 1; }
  REHOOK_KEY=$(cat "$dir/data/admin.key")
}

# bench_start_postgres: a throw-away PostgreSQL with fsync on (scripts/test-postgres.sh durable),
# on loopback; sets BENCH_PG_URL (its server processes share the two cores with everything else
# in the run). It then writes ~1.7 GB of WAL through its shared buffers and checkpoints, so that
# the runs reuse WAL segments and buffer memory as a server that has been running does: a new
# cluster would instead create and zero-fill a 16 MB segment every ~10 000 captures, inside some
# commit (perf: 10 % of PostgreSQL's CPU in a 15 s capture run, and a stall of the one commit in
# flight each time), and fault in each buffer's memory on its first use.
bench_start_postgres() {
  "$bench_root/scripts/test-postgres.sh" start "$bench_tmp/pg" durable >/dev/null
  BENCH_PG_URL=$(cat "$bench_tmp/pg/url")
  psql -q "$BENCH_PG_URL" \
    -c "CREATE TABLE bench_warm_wal (pad TEXT)" \
    -c "INSERT INTO bench_warm_wal SELECT repeat('x', 1000) FROM generate_series(1, 1500000)" \
    -c "DROP TABLE bench_warm_wal" -c "CHECKPOINT" >/dev/null
}

# bench_new_database NAME: creates database NAME on it and prints its URL.
bench_new_database() {
  psql -q "$BENCH_PG_URL" -c "CREATE DATABASE $1" >/dev/null
  echo "${BENCH_PG_URL%/*}/$1"
}

# bench_post_script FILE: writes a wrk script that POSTs a 1 KB JSON body, like a typical
# provider event (the body of the ingest, delivery and WAL-frame benchmarks); sets BENCH_BODY.
bench_post_script() {
  BENCH_BODY=$(python3 -c 'import json; print(json.dumps({"id":"evt_bench","type":"charge.succeeded","data":{"object":{"amount":4200,"currency":"usd","description":"x"*880}}}))')
  cat >"$1" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[$BENCH_BODY]]
LUA
}

bench_create_source() {
  # -k: an https rehook of the benchmarks has a certificate made for the run (bench/tls.sh).
  curl -sfk -X POST "$REHOOK_URL/v1/sources" -H "X-API-Key: $REHOOK_KEY" -d '{"name":"bench"}' |
    sed -E 's/.*"id":"([^"]+)".*/\1/'
}

bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 20000))
}

# Prints "<requests/s> <p99 ms>" from wrk --latency output on stdin.
bench_parse_wrk() {
  awk '
    /Requests\/sec:/ { rps = $2 }
    /^ +99%/ { v = $2; unit = v; gsub(/[0-9.]/, "", unit); gsub(/[a-z]/, "", v);
               if (unit == "us") v = v / 1000; else if (unit == "s") v = v * 1000;
               p99 = v }
    /Non-2xx/ { non2xx = $NF }
    END { printf "%.0f %.2f %s\n", rps, p99, (non2xx == "" ? 0 : non2xx) }'
}

# Whether PID is a live process (not gone, not a zombie waiting to be reaped).
bench_alive() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# bench_stop PID [seconds=30]: SIGTERM, SIGKILL if still running after `seconds`, then reap.
bench_stop() {
  local pid="$1" limit="${2:-30}"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $((limit * 10))); do bench_alive "$pid" || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# bench_proc_kb PID FIELD: a kB figure of /proc/PID/status (VmRSS, VmHWM, ...); empty when gone.
bench_proc_kb() {
  awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || true
}

# bench_cpu_seconds PID: user + system CPU time the process has used so far.
bench_cpu_seconds() {
  sed 's/.*) //' "/proc/$1/stat" 2>/dev/null |
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($12 + $13) / hz }'
}

# bench_watch_rss PID FILE [interval=0.5]: appends "<epoch seconds> <VmRSS kB>" to FILE every
# interval until PID exits (in the background; stopped on exit).
bench_watch_rss() {
  local pid="$1" file="$2" interval="${3:-0.5}" kb
  (while kb=$(bench_proc_kb "$pid" VmRSS) && [ -n "$kb" ]; do
    echo "$EPOCHREALTIME $kb"
    sleep "$interval"
  done) >>"$file" &
  bench_pids+=($!)
}

# bench_iso_time EPOCH_SECONDS: ISO 8601 UTC with milliseconds, as the API takes it.
bench_iso_time() {
  date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.%3NZ
}

# bench_thread_cpu PID: "<tid> <CPU seconds>" for each thread of the process.
bench_thread_cpu() {
  local hz task
  hz=$(getconf CLK_TCK)
  for task in /proc/"$1"/task/*; do
    sed 's/.*) //' "$task/stat" 2>/dev/null |
      awk -v tid="${task##*/}" -v hz="$hz" '{ printf "%s %.2f\n", tid, ($12 + $13) / hz }'
  done
}

# bench_machine_cpu: "<busy ticks> <steal ticks> <all ticks>" of all CPUs so far (/proc/stat).
bench_machine_cpu() {
  awk '/^cpu / { all = 0; for (i = 2; i <= 9; i++) all += $i  # guest time is in user already
                 print all - $5 - $6 - $9, $9, all }' /proc/stat
}
