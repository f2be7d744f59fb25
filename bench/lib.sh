# Shared by the bench/*.sh scripts: build rehook, start it on a scratch data dir, parse wrk.
# Everything runs on 127.0.0.1 and is stopped on exit.

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_tmp="$(mktemp -d /tmp/rehook-bench-XXXXXX)"
bench_pids=()

bench_cleanup() {
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${bench_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$bench_tmp"
}
trap bench_cleanup EXIT

bench_build() {
  "$bench_root/scripts/install-deps.sh" bench
  cmake -S "$bench_root" -B "$bench_root/build/release" -DCMAKE_BUILD_TYPE=Release \
    -DREHOOK_TESTS=OFF >/dev/null
  cmake --build "$bench_root/build/release" -j"$(nproc)" --target rehook >/dev/null
}

# bench_start_rehook NAME [serve flags...]: starts rehook, sets REHOOK_URL and REHOOK_KEY.
bench_start_rehook() {
  local name="$1"
  shift
  local dir="$bench_tmp/$name"
  mkdir -p "$dir"
  "$bench_root/build/release/src/rehook" serve --listen 127.0.0.1:0 --data-dir "$dir/data" \
    --log-level warn "$@" >"$dir/stdout" 2>"$dir/stderr" &
  bench_pids+=($!)
  for _ in $(seq 1 200); do
    REHOOK_URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/stdout" 2>/dev/null | head -1 || true)
    [ -n "$REHOOK_URL" ] && break
    sleep 0.05
  done
  [ -n "$REHOOK_URL" ] || { echo "rehook did not start: $(cat "$dir/stderr")" >&2; exit 1; }
  REHOOK_KEY=$(cat "$dir/data/admin.key")
}

bench_create_source() {
  curl -sf -X POST "$REHOOK_URL/v1/sources" -H "X-API-Key: $REHOOK_KEY" -d '{"name":"bench"}' |
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
