#!/usr/bin/env python3
"""Times rehook API reads on one keep-alive connection, for bench/scale.sh and bench/pg_days.sh.

    read_timer.py URL KEY MODE ARGS...

Prints "<p50 ms> <p99 ms> <max ms> <calls> <info>" (nearest-rank percentiles); modes below.
"""
import http.client, json, math, random, sys, time, urllib.parse

base, key, mode, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
target = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(target.hostname, target.port, timeout=3600)

def call(method, path, body=None, expect=(200,)):
    headers = {"X-API-Key": key}
    if body is not None:
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    ms = (time.perf_counter() - started) * 1000
    if response.status not in expect:
        sys.exit(f"{method} {path}: {response.status} {data[:300]!r}")
    return json.loads(data) if data else None, ms

times, info = [], ""
if mode == "repeat":  # repeat PATH N: the same GET N times (after one call not counted)
    path, n = args[0], int(args[1])
    call("GET", path)
    for _ in range(n):
        times.append(call("GET", path)[1])
elif mode == "windows":  # windows N FROM_MS TO_MS [FROM_MS TO_MS ...]: GET one random second of
    # [FROM, TO] N times (of a range picked at random each time, when given several)
    n, bounds = int(args[0]), [int(a) for a in args[1:]]
    ranges = list(zip(bounds[0::2], bounds[1::2]))
    rng, found = random.Random(42), 0
    for _ in range(n):
        lo, hi = ranges[rng.randrange(len(ranges))] if len(ranges) > 1 else ranges[0]
        t = rng.randrange(lo, max(lo + 1, hi - 1000))
        q = lambda ms: urllib.parse.quote(time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000))
                                          + f".{ms % 1000:03d}Z")
        page, ms = call("GET", f"/v1/events?limit=50&from={q(t)}&to={q(t + 999)}")
        times.append(ms)
        found += len(page["data"])
    info = f"{found / n:.1f} events per page"
elif mode == "pages":  # pages PATH N: N calls following next_cursor, from the top again at its end
    path, n = args[0], int(args[1])
    cursor, found, rounds = None, 0, 1
    for _ in range(n):
        page, ms = call("GET", path + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else ""))
        times.append(ms)
        found += len(page["data"])
        cursor = page["next_cursor"]
        if not cursor:
            rounds += 1
    info = f"{found} events listed" + (f", listing ended {rounds - 1}x" if rounds > 1 else "")
elif mode == "dry_run":  # dry_run BODY N: POST /v1/replay?dry_run=true N times
    body, n = args[0], int(args[1])
    for _ in range(n):
        answer, ms = call("POST", "/v1/replay?dry_run=true", body)
        times.append(ms)
    info = f"total {answer['total']}"
elif mode == "create":  # create BODY N: POST /v1/replay N times, each job cancelled (not timed)
    body, n = args[0], int(args[1])
    for _ in range(n):
        answer, ms = call("POST", "/v1/replay", body, expect=(201,))
        times.append(ms)
        call("POST", f"/v1/replay/{answer['job']['id']}/cancel", "{}", expect=(200, 409))
    info = f"total {answer['job']['total']}"
elif mode == "payload":  # payload N: body + header bytes as sent, the mean over the N newest events
    n = int(args[0])
    page, _ = call("GET", f"/v1/events?limit={n}")
    sizes = []
    for item in page["data"]:
        event, _ = call("GET", f"/v1/events/{item['id']}")
        body = event["body"].encode() if "body" in event else b""
        head = sum(len(h["name"].encode()) + len(h["value"].encode()) + 4 for h in event["raw_headers"])
        sizes.append((len(body), head))
    print(f"{sum(b for b, _ in sizes) / len(sizes):.1f} {sum(h for _, h in sizes) / len(sizes):.1f}")
    sys.exit(0)
else:
    sys.exit(f"unknown mode {mode}")

times.sort()
pick = lambda q: times[max(0, math.ceil(q * len(times)) - 1)]
print(f"{pick(0.5):.1f} {pick(0.99):.1f} {times[-1]:.1f} {len(times)} {info}")
