#!/usr/bin/env python3
"""The capture side and the report of bench/live_latency.sh.

    live_latency_client.py capture URL COUNT        COUNT captures as fast as one connection goes
    live_latency_client.py live URL RATE SECONDS    RATE captures/s for SECONDS, on an even grid;
                                                    prints "<sent at> <event id>" per capture
    live_latency_client.py report SINK_LOG BASELINE_SENT WITH_REPLAY_SENT
"""
import http.client
import json
import sys
import time
import urllib.parse

BODY = json.dumps({"type": "charge.succeeded", "data": {"object": {"description": "x" * 900}}})


def connect(url):
    parts = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30), parts.path


def post(connection, path):
    connection.request("POST", path, BODY, {"Content-Type": "application/json"})
    response = connection.getresponse()
    answer = response.read()
    if response.status != 200:
        raise SystemExit(f"capture answered {response.status}: {answer!r}")
    return json.loads(answer)["id"]


def capture(url, count):
    connection, path = connect(url)
    for _ in range(int(count)):
        post(connection, path)


def live(url, rate, seconds):
    connection, path = connect(url)
    spacing = 1.0 / float(rate)
    start = time.time()
    for i in range(int(float(rate) * float(seconds))):
        planned = start + i * spacing
        delay = planned - time.time()
        if delay > 0:
            time.sleep(delay)
        sent = time.time()
        event_id = post(connection, path)
        print(f"{sent:.6f} {event_id}", flush=True)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(sink_log, *sent_logs):
    arrivals, replays = {}, []
    with open(sink_log) as log:
        for line in log:
            at, event_id, replay = line.split()
            if replay == "1":
                replays.append(float(at))
            else:
                arrivals.setdefault(event_id, float(at))
    rows = []
    for name, path in zip(("baseline", "with replay"), sent_logs):
        sent = [line.split() for line in open(path)]
        latencies = [(arrivals[i] - float(t)) * 1000 for t, i in sent if i in arrivals]
        missing = len(sent) - len(latencies)
        window = (float(sent[0][0]), float(sent[-1][0]))
        replayed = sum(1 for at in replays if window[0] <= at <= window[1])
        rows.append((name, latencies, missing, replayed / max(window[1] - window[0], 1e-9)))
    print(f"{'':12} {'events':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'replay/s':>9}")
    for name, latencies, missing, replay_rate in rows:
        print(f"{name:12} {len(latencies):>7} {percentile(latencies, 50):>8.1f} "
              f"{percentile(latencies, 90):>8.1f} {percentile(latencies, 99):>8.1f} "
              f"{max(latencies):>8.1f} {replay_rate:>9.1f}"
              + (f"   ({missing} never arrived)" if missing else ""))
    (_, base, _, _), (_, loaded, _, _) = rows
    ratios = [percentile(loaded, p) / max(percentile(base, p), 1e-9) for p in (50, 90, 99)]
    print(f"ratio (with replay / baseline): p50 {ratios[0]:.2f}, p90 {ratios[1]:.2f}, "
          f"p99 {ratios[2]:.2f} (target: p99 <= 2.00)")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"capture": capture, "live": live, "report": report}[command](*args)
