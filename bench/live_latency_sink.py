#!/usr/bin/env python3
"""The sink of bench/live_latency.sh: answers every request 200 at once and appends one line per
request to a log: arrival time (unix seconds, float), X-Rehook-Event-Id, and 1 when the request
is a replay (X-Rehook-Replay), else 0.

    live_latency_sink.py PORT LOG
"""
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, log_path = int(sys.argv[1]), sys.argv[2]
log = open(log_path, "a", buffering=1)
lock = threading.Lock()


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real consumer would

    def handle_one(self):
        arrived = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        event_id = self.headers.get("X-Rehook-Event-Id", "-")
        replay = 1 if self.headers.get("X-Rehook-Replay") else 0
        with lock:
            log.write(f"{arrived:.6f} {event_id} {replay}\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_GET = do_PATCH = do_DELETE = handle_one

    def log_message(self, *args):
        pass


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", port), Sink).serve_forever()
