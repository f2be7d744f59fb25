#!/usr/bin/env bash
# Ingest benchmark: wrk (keep-alive, 1 KB JSON bodies) against rehook's /in/{source} — durable,
# acknowledged after fsync — and, in the same run, against nginx answering `return 200` on
# another loopback port. Prints the rates, the ratios and p99 latency. rehook runs twice: on its
# embedded SQLite store, then on a local PostgreSQL (fsync on; its server shares the cores).
#   bench/ingest.sh [seconds=15] [connections=64]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

duration="${1:-15}"
connections="${2:-64}"
threads=2

bench_build

bench_post_script "$bench_tmp/post.lua"
echo "body: ${#BENCH_BODY} bytes, ${connections} connections, ${threads} wrk threads, ${duration}s per run"

# nginx baseline
nginx_port=$(bench_free_port)
bench_start_nginx "$nginx_port" "return 200 '{\"id\":\"evt_nginx\"}';"

bench_start_rehook ingest
source_id=$(bench_create_source)

run_wrk() {
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$bench_tmp/post.lua" "$1"
}

read -r nginx_rps nginx_p99 nginx_bad < <(run_wrk "http://127.0.0.1:$nginx_port/in/x" | bench_parse_wrk)
read -r rehook_rps rehook_p99 rehook_bad < <(run_wrk "$REHOOK_URL/in/$source_id" | bench_parse_wrk)

bench_stop "$REHOOK_PID"

bench_start_postgres
bench_start_rehook ingest-postgres --database "$(bench_new_database ingest)"
source_id=$(bench_create_source)
read -r pg_rps pg_p99 pg_bad < <(run_wrk "$REHOOK_URL/in/$source_id" | bench_parse_wrk)
pg_stored=$(psql -tAq "${BENCH_PG_URL%/*}/ingest" -c "SELECT count(*) FROM events")

ratio() { awk -v a="$1" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }'; }
printf '\n%-34s %12s %10s %8s %6s\n' "target" "requests/s" "p99 ms" "non-2xx" "ratio"
printf '%-34s %12s %10s %8s %6s\n' "nginx return 200 (baseline)" "$nginx_rps" "$nginx_p99" \
  "$nginx_bad" "1.00"
printf '%-34s %12s %10s %8s %6s\n' "rehook /in, SQLite (durable)" "$rehook_rps" "$rehook_p99" \
  "$rehook_bad" "$(ratio "$rehook_rps")"
printf '%-34s %12s %10s %8s %6s\n' "rehook /in, PostgreSQL (durable)" "$pg_rps" "$pg_p99" \
  "$pg_bad" "$(ratio "$pg_rps")"
printf '\ntarget: rehook/nginx >= 0.50 (SQLite); events stored in PostgreSQL: %s\n' "$pg_stored"
exit 0
