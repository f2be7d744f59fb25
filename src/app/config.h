#pragma once
// Everything `rehook serve` can be told, by flag or REHOOK_* environment variable.

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
  std::uint64_t max_body_bytes = 10 * 1024 * 1024;
  double api_rate_limit = 50;
  double api_rate_burst = 100;
  std::string retry_schedule = "30s,2m,5m,15m,40m";  // waits between delivery attempts
  int breaker_threshold = 5;                         // consecutive failures that open it
  std::int64_t breaker_cooldown_ms = 30000;          // open -> half-open
  int destination_concurrency = 16;                  // deliveries in flight per destination
  int io_threads = 0;                                // 0: one per core
  int store_threads = 4;                             // blocking store calls (reads, API writes)
  std::int64_t head_timeout_ms = 30000;  // idle keep-alive and slow (slowloris) request heads
  std::int64_t retention_sweep_interval_ms = 60'000;  // erasing events past their retention
  std::string log_level = "info";
  // Hidden, for end-to-end tests: run the clock this far ahead of real time.
  std::int64_t test_clock_offset_ms = 0;
  // Hidden: how long a replay job stays with a node that stopped renewing its lease.
  std::int64_t replay_lease_ms = 30'000;
};

// "127.0.0.1:8080" / "[::1]:8080" -> host and port; throws std::invalid_argument.
std::pair<std::string, std::uint16_t> SplitHostPort(const std::string& listen);

}  // namespace rehook
