#!/usr/bin/env bash
# Capture over HTTPS against plain HTTP, same run: two rehooks on the embedded SQLite store, one
# serving plain HTTP and one HTTPS (--tls-cert: an EC P-256 certificate made here with openssl;
# TLS 1.3), each loaded in turn by wrk (keep-alive, 1 KB JSON bodies, durable captures), in
# interleaved rounds so both see the same machine. Then once more with a new connection per
# request (a TLS handshake each), the worst case for TLS. Prints every round, the medians and
# the ratio HTTPS / HTTP.
#   bench/tls.sh [seconds=15] [connections=64] [rounds=3]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

duration="${1:-15}"
connections="${2:-64}"
rounds="${3:-3}"
threads=2

bench_build
bench_post_script "$bench_tmp/post.lua"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$bench_tmp/key.pem" -out "$bench_tmp/cert.pem" \
  2>/dev/null

bench_start_rehook plain
plain_url="$REHOOK_URL"
plain_source=$(bench_create_source)
bench_start_rehook tls --tls-cert "$bench_tmp/cert.pem" --tls-key "$bench_tmp/key.pem"
tls_url="$REHOOK_URL"
tls_source=$(bench_create_source)

# run_wrk URL SOURCE [wrk flags...]: prints "<requests/s> <p99 ms> <non-2xx>".
run_wrk() {
  local url="$1" source="$2"
  shift 2
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s "$bench_tmp/post.lua" "$@" \
    "$url/in/$source" | bench_parse_wrk
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '%-28s %6s %12s %10s %8s\n' "capture" "round" "requests/s" "p99 ms" "non-2xx"
: >"$bench_tmp/rates-plain" && : >"$bench_tmp/rates-tls" && : >"$bench_tmp/rates-plain-close" && : >"$bench_tmp/rates-tls-close"
for round in $(seq 1 "$rounds"); do
  read -r rps p99 bad < <(run_wrk "$plain_url" "$plain_source")
  printf '%-28s %6s %12s %10s %8s\n' "HTTP, keep-alive" "$round" "$rps" "$p99" "$bad"
  echo "$rps" >>"$bench_tmp/rates-plain"
  read -r rps p99 bad < <(run_wrk "$tls_url" "$tls_source")
  printf '%-28s %6s %12s %10s %8s\n' "HTTPS, keep-alive" "$round" "$rps" "$p99" "$bad"
  echo "$rps" >>"$bench_tmp/rates-tls"
done
read -r rps p99 bad < <(run_wrk "$plain_url" "$plain_source" -H "Connection: close")
printf '%-28s %6s %12s %10s %8s\n' "HTTP, connection per request" 1 "$rps" "$p99" "$bad"
echo "$rps" >>"$bench_tmp/rates-plain-close"
read -r rps p99 bad < <(run_wrk "$tls_url" "$tls_source" -H "Connection: close")
printf '%-28s %6s %12s %10s %8s\n' "HTTPS, connection per request" 1 "$rps" "$p99" "$bad"
echo "$rps" >>"$bench_tmp/rates-tls-close"

plain=$(median <"$bench_tmp/rates-plain")
tls=$(median <"$bench_tmp/rates-tls")
plain_close=$(median <"$bench_tmp/rates-plain-close")
tls_close=$(median <"$bench_tmp/rates-tls-close")
printf '\nmedians (%s connections, %ss runs): HTTP %s/s, HTTPS %s/s, ratio %s\n' "$connections" \
  "$duration" "$plain" "$tls" "$(awk -v a="$tls" -v b="$plain" 'BEGIN { printf "%.2f", a / b }')"
printf 'a connection per request: HTTP %s/s, HTTPS %s/s, ratio %s\n' "$plain_close" "$tls_close" \
  "$(awk -v a="$tls_close" -v b="$plain_close" 'BEGIN { printf "%.2f", a / b }')"
