// rehook: a self-hosted webhook gateway centred on replay.
#include <signal.h>
#include <sys/resource.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/application.h"
#include "app/restore.h"
#include "app/version.h"
#include "cli/client_cli.h"
#include "common/log.h"

namespace {

void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

rehook::log::Level ParseLevel(const std::string& name) {
  if (name == "debug") return rehook::log::Level::debug;
  if (name == "warn") return rehook::log::Level::warn;
  if (name == "error") return rehook::log::Level::error;
  return rehook::log::Level::info;
}

void AddServeOptions(CLI::App& serve, rehook::Config& config) {
  serve.add_option("--listen", config.listen, "Address to listen on, HOST:PORT (port 0: any free)")
      ->envname("REHOOK_LISTEN")
      ->capture_default_str();
  serve.add_option("--data-dir", config.data_dir, "Directory of the SQLite store and admin.key")
      ->envname("REHOOK_DATA_DIR")
      ->capture_default_str();
  serve
      .add_option("--database", config.database,
                  "PostgreSQL URL (postgres://...); default: SQLite in the data dir")
      ->envname("REHOOK_DATABASE");
  serve
      .add_option(
          "--node-id", config.node_id,
          "Name of this node in leases (PostgreSQL); default: a random one kept in the data dir")
      ->envname("REHOOK_NODE_ID");
  serve
      .add_option("--public-url", config.public_url,
                  "Base URL clients use to reach rehook (for ingest URLs); default: http://LISTEN")
      ->envname("REHOOK_PUBLIC_URL");
  serve
      .add_flag("--allow-private-targets", config.allow_private_targets,
                "Allow delivery to loopback, private and link-local addresses")
      ->envname("REHOOK_ALLOW_PRIVATE_TARGETS");
  serve
      .add_option("--allow-target-cidr", config.allow_target_cidrs,
                  "Allow delivery to this private CIDR (repeatable)")
      ->envname("REHOOK_ALLOW_TARGET_CIDRS")
      ->delimiter(',');
  serve
      .add_option("--ca-file", config.ca_file,
                  "Extra trusted CA certificates (PEM) for outbound TLS")
      ->envname("REHOOK_CA_FILE")
      ->check(CLI::ExistingFile);
  serve
      .add_option("--tls-cert", config.tls_cert,
                  "Serve HTTPS with this PEM certificate chain (reloaded on SIGHUP or when it "
                  "changes); needs --tls-key")
      ->envname("REHOOK_TLS_CERT");
  serve.add_option("--tls-key", config.tls_key, "The PEM private key of --tls-cert")
      ->envname("REHOOK_TLS_KEY");
  serve
      .add_option("--trusted-proxies", config.trusted_proxies,
                  "Reverse proxies (CIDRs or addresses, comma-separated) whose X-Forwarded-For or "
                  "Forwarded headers name the client; never believed from anyone else")
      ->envname("REHOOK_TRUSTED_PROXIES")
      ->delimiter(',');
  serve.add_option("--max-body-bytes", config.max_body_bytes, "Largest webhook body accepted")
      ->envname("REHOOK_MAX_BODY_BYTES")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 30))
      ->capture_default_str();
  serve.add_option("--api-rate-limit", config.api_rate_limit, "API requests per second per key")
      ->envname("REHOOK_API_RATE_LIMIT")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve.add_option("--api-rate-burst", config.api_rate_burst, "API burst size per key")
      ->envname("REHOOK_API_RATE_BURST")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve
      .add_option("--login-rate-limit", config.login_rate_limit,
                  "Dashboard sign-ins per second, per client address and per key")
      ->envname("REHOOK_LOGIN_RATE_LIMIT")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve.add_option("--login-rate-burst", config.login_rate_burst, "Sign-in burst size")
      ->envname("REHOOK_LOGIN_RATE_BURST")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  serve
      .add_option("--max-sessions-per-key", config.max_sessions_per_key,
                  "Dashboard sessions one API key may hold; a new sign-in ends the oldest")
      ->envname("REHOOK_MAX_SESSIONS_PER_KEY")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  serve
      .add_option("--search-scan-events", config.search_scan_events,
                  "Events one search of the events list (filter, q) looks at before it answers "
                  "with what it found and a cursor that continues the scan")
      ->envname("REHOOK_SEARCH_SCAN_EVENTS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  serve
      .add_option("--stream-buffer-bytes", config.stream_buffer_bytes,
                  "Bytes of events a live stream (GET /v1/events/stream) may have waiting for a "
                  "slow client before it is ended (the client resumes from its last event)")
      ->envname("REHOOK_STREAM_BUFFER_BYTES")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
      ->capture_default_str();
  serve
      .add_option("--stream-poll-ms", config.stream_poll_ms,
                  "How often live streams look for events committed by other nodes (PostgreSQL)")
      ->envname("REHOOK_STREAM_POLL_MS")
      ->check(CLI::Range(10, 10000))
      ->capture_default_str();
  serve
      .add_option("--transform-cpu-ms", config.transform_cpu_ms,
                  "CPU time one run of a transformation script may take before it is ended")
      ->envname("REHOOK_TRANSFORM_CPU_MS")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  serve
      .add_option("--transform-memory-mb", config.transform_memory_mb,
                  "Memory (MiB of JavaScript heap, and as much again in buffers) one run of a "
                  "transformation script may use before it is ended")
      ->envname("REHOOK_TRANSFORM_MEMORY_MB")
      ->check(CLI::Range(8, 4096))
      ->capture_default_str();
  serve
      .add_option("--transform-workers", config.transform_workers,
                  "Threads that run transformation scripts, each with a JavaScript engine of "
                  "its own")
      ->envname("REHOOK_TRANSFORM_WORKERS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve
      .add_flag("--secure-cookies", config.secure_cookies,
                "Mark the session cookie Secure (HTTPS only); implied by an https --public-url")
      ->envname("REHOOK_SECURE_COOKIES");
  serve
      .add_option("--max-connections", config.max_connections,
                  "Open connections at most; further ones are closed at once")
      ->envname("REHOOK_MAX_CONNECTIONS")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  serve
      .add_option("--max-connections-per-ip", config.max_connections_per_ip,
                  "Open connections at most from one client address")
      ->envname("REHOOK_MAX_CONNECTIONS_PER_IP")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))
      ->capture_default_str();
  serve
      .add_option("--max-body-buffer-bytes", config.max_body_buffer_bytes,
                  "Request body bytes being received at once, in all (one client address may "
                  "hold a quarter); past it requests get 503 and the connection is closed")
      ->envname("REHOOK_MAX_BODY_BUFFER_BYTES")
      ->check(CLI::Range(std::uint64_t{1} << 20, std::uint64_t{1} << 40))
      ->capture_default_str();
  serve
      .add_option("--retry-schedule", config.retry_schedule,
                  "Waits between delivery attempts (ms, s, m, h), e.g. 30s,2m,5m,15m,40m")
      ->envname("REHOOK_RETRY_SCHEDULE")
      ->capture_default_str();
  serve
      .add_option("--breaker-threshold", config.breaker_threshold,
                  "Consecutive failed deliveries that open a destination's circuit")
      ->envname("REHOOK_BREAKER_THRESHOLD")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  serve
      .add_option("--breaker-cooldown-ms", config.breaker_cooldown_ms,
                  "How long an open circuit waits before letting a probe through")
      ->envname("REHOOK_BREAKER_COOLDOWN_MS")
      ->check(CLI::Range(std::int64_t{100}, std::int64_t{86400000}))
      ->capture_default_str();
  serve
      .add_option("--destination-concurrency", config.destination_concurrency,
                  "Deliveries in flight per destination at most")
      ->envname("REHOOK_DESTINATION_CONCURRENCY")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  serve
      .add_option("--replay-record-interval-ms", config.replay_record_interval_ms,
                  "Replay deliveries are recorded together this often (0: each at once)")
      ->envname("REHOOK_REPLAY_RECORD_INTERVAL_MS")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{5'000}))
      ->capture_default_str();
  serve.add_option("--io-threads", config.io_threads, "HTTP io threads (0: one per core)")
      ->envname("REHOOK_IO_THREADS")
      ->capture_default_str();
  serve.add_option("--store-threads", config.store_threads, "Threads for store reads and writes")
      ->envname("REHOOK_STORE_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve
      .add_option("--head-timeout-ms", config.head_timeout_ms,
                  "Longest wait for a complete request head, after connecting or after the "
                  "previous response: closes idle keep-alive connections and slow senders")
      ->envname("REHOOK_HEAD_TIMEOUT_MS")
      ->check(CLI::Range(std::int64_t{100}, std::int64_t{3'600'000}))
      ->capture_default_str();
  serve
      .add_option("--retention-sweep-interval-ms", config.retention_sweep_interval_ms,
                  "How often events older than their organization's retention_days are erased")
      ->envname("REHOOK_RETENTION_SWEEP_INTERVAL_MS")
      ->check(CLI::Range(std::int64_t{100}, std::int64_t{86'400'000}))
      ->capture_default_str();
  serve
      .add_option("--auto-disable-interval-ms", config.auto_disable_interval_ms,
                  "How often destinations with disable_after_hours are checked for being "
                  "disabled")
      ->envname("REHOOK_AUTO_DISABLE_INTERVAL_MS")
      ->check(CLI::Range(std::int64_t{100}, std::int64_t{3'600'000}))
      ->capture_default_str();
  serve
      .add_option("--metrics-token", config.metrics_token,
                  "Bearer token /metrics then requires; with it the page also has series per "
                  "destination and replay job (without: open, totals only)")
      ->envname("REHOOK_METRICS_TOKEN");
  serve.add_option("--log-level", config.log_level, "debug, info, warn or error")
      ->envname("REHOOK_LOG_LEVEL")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();
  // For end-to-end tests of time-based behaviour (expiry, retention) through the real binary.
  serve.add_option("--test-clock-offset-ms", config.test_clock_offset_ms)
      ->envname("REHOOK_TEST_CLOCK_OFFSET_MS")
      ->group("");
  // For end-to-end tests of what may happen between a commit and its fsync (a slow disk).
  serve.add_option("--test-sync-delay-ms", config.test_sync_delay_ms)
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{60'000}))
      ->group("");
  // For end-to-end tests of a node taking over the replay jobs of one that died.
  serve.add_option("--replay-lease-ms", config.replay_lease_ms)
      ->check(CLI::Range(std::int64_t{300}, std::int64_t{3'600'000}))
      ->group("");
}

int Serve(const rehook::Config& config) {
  // Block the signals in every thread; the main thread waits for them below: SIGINT and SIGTERM
  // stop the server, SIGHUP reloads the TLS certificate.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  RaiseFileLimit();

  rehook::log::Init(ParseLevel(config.log_level));
  rehook::Application app(config);
  try {
    app.Start();
  } catch (const std::exception& e) {
    rehook::log::Error("server.start_failed", {{"error", e.what()}});
    std::cerr << "rehook: " << e.what() << "\n";
    return 1;
  }
  // Between signals, a look each second at whether the certificate files changed (renewals).
  const timespec poll{.tv_sec = 1, .tv_nsec = 0};
  int received = 0;
  while (true) {
    received = sigtimedwait(&signals, nullptr, &poll);
    if (received == SIGINT || received == SIGTERM) break;
    app.ReloadTls(received != SIGHUP);
  }
  rehook::log::Info("server.signal", {{"signal", received}});
  app.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"rehook: a self-hosted webhook gateway centred on replay"};
  cli.require_subcommand(1);
  cli.set_version_flag(
      "--version", std::string("rehook ") + rehook::kVersion + " (commit " + rehook::kCommit + ")");
  rehook::Config config;
  CLI::App* serve = cli.add_subcommand("serve", "Run the rehook server");
  AddServeOptions(*serve, config);
  rehook::RestoreOptions restore_options;
  CLI::App* restore = cli.add_subcommand(
      "restore",
      "Put a backup (rehook backup) in place of a data directory's SQLite store, after checking "
      "it; the server must be stopped");
  restore->add_option("--from", restore_options.from, "The backup file")->required();
  restore->add_option("--data-dir", restore_options.data_dir, "The data directory to restore into")
      ->envname("REHOOK_DATA_DIR")
      ->capture_default_str();
  restore->add_flag("--force", restore_options.force,
                    "Replace the store the data directory holds already");
  rehook::cli::ClientCli client(cli);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return rehook::cli::ExitForParseError(cli, error);
  }
  if (serve->parsed()) return Serve(config);
  if (restore->parsed()) return rehook::Restore(restore_options);
  return client.Run();
}
