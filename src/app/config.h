#pragma once
// Everything `rehook serve` can be told, by flag or REHOOK_* environment variable.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rehook {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./rehook-data";
  std::string database;    // postgres://... ; empty: SQLite in data_dir
  std::string node_id;     // lease owner name; empty: see ResolveNodeId
  std::string public_url;  // base of ingest URLs; default http://<listen>
  bool allow_private_targets = false;
  std::vector<std::string> allow_target_cidrs;
  std::string ca_file;
  // HTTPS: a PEM certificate chain and its key, reloaded on SIGHUP or when they change.
  std::string tls_cert;
  std::string tls_key;
  // Reverse proxies (CIDRs) whose X-Forwarded-For/Forwarded headers name the client.
  std::vector<std::string> trusted_proxies;
  std::uint64_t max_body_bytes = 10 * 1024 * 1024;
  double api_rate_limit = 50;
  double api_rate_burst = 100;
  // Dashboard sign-ins (POST /v1/auth/login) per second, per client address and per key.
  double login_rate_limit = 1;
  double login_rate_burst = 10;
  int max_sessions_per_key = 20;
  bool secure_cookies = false;  // also implied by an https:// public_url
  // Events one search call (GET /v1/events?filter=|q=) looks at before it answers with a
  // short page and a cursor that continues the scan.
  std::size_t search_scan_events = 20000;
  // Live streams: bytes of events one may have waiting for a slow client before it is ended,
  // and how often the node looks for events other nodes committed.
  std::size_t stream_buffer_bytes = 8 << 20;
  int stream_poll_ms = 250;
  // Transformations: CPU time and memory one run of a script may use, and the threads that
  // run scripts (each with a V8 isolate of its own).
  int transform_cpu_ms = 50;
  int transform_memory_mb = 32;
  int transform_workers = 1;
  // Hostile clients: connections at once, in all and per client address, and request body
  // bytes being read at once (a client address may hold a quarter of them).
  std::size_t max_connections = 10000;
  std::size_t max_connections_per_ip = 1000;
  std::uint64_t max_body_buffer_bytes = 512ull << 20;
  std::string retry_schedule = "30s,2m,5m,15m,40m";  // waits between delivery attempts
  int breaker_threshold = 5;                         // consecutive failures that open it
  std::int64_t breaker_cooldown_ms = 30000;          // open -> half-open
  int destination_concurrency = 16;                  // deliveries in flight per destination
  int io_threads = 0;                                // 0: one per core
  int store_threads = 4;                             // blocking store calls (reads, API writes)
  std::int64_t head_timeout_ms = 30000;  // idle keep-alive and slow (slowloris) request heads
  std::int64_t retention_sweep_interval_ms = 60'000;  // erasing events past their retention
  std::int64_t auto_disable_interval_ms = 60'000;     // looking for destinations to disable
  std::string log_level = "info";
  // /metrics: empty, open and without tenant ids; set, only with this bearer token, and complete.
  std::string metrics_token;
  // Hidden, for end-to-end tests: run the clock this far ahead of real time.
  std::int64_t test_clock_offset_ms = 0;
  // Hidden, for end-to-end tests: every group-commit fsync takes this much longer.
  std::int64_t test_sync_delay_ms = 0;
  // How often a replay lane hands its deliveries' records to the group commit (0: each at once).
  std::int64_t replay_record_interval_ms = 100;
  // Hidden: how long a replay job stays with a node that stopped renewing its lease.
  std::int64_t replay_lease_ms = 30'000;
};

// "127.0.0.1:8080" / "[::1]:8080" -> host and port; throws std::invalid_argument.
std::pair<std::string, std::uint16_t> SplitHostPort(const std::string& listen);

}  // namespace rehook
