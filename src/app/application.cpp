#include "app/application.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <filesystem>
#include <iostream>

#include "api/api_dispatcher.h"
#include "api/routes.h"
#include "app/bootstrap.h"
#include "app/cached_configuration.h"
#include "app/data_dir_lock.h"
#include "app/node_identity.h"
#include "capture/capture_handler.h"
#include "capture/dedup_rule.h"
#include "common/log.h"
#include "common/timers.h"
#include "delivery/auto_disable.h"
#include "delivery/circuit_sync.h"
#include "delivery/forwarder.h"
#include "http/api_error.h"
#include "http/json_response.h"
#include "http/server.h"
#include "live/event_feed.h"
#include "metrics/metrics_page.h"
#include "notify/insight_notifier.h"
#include "notify/notifier.h"
#include "replay/replay_runner.h"
#include "store/batch_writer.h"
#include "store/postgres/pg_store.h"
#include "store/retention_sweeper.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_executor.h"
#include "web/static_files.h"

namespace rehook {
namespace {

constexpr std::uint64_t kApiBodyLimit = 1024 * 1024;

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string PrepareDataDir(const Config& config) {
  std::filesystem::create_directories(config.data_dir);
  std::filesystem::permissions(config.data_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace);
  return config.data_dir;
}

bool UsesPostgres(const Config& config) { return !config.database.empty(); }

std::unique_ptr<Store> OpenStore(const Config& config) {
  if (UsesPostgres(config)) {
    if (!StartsWith(config.database, "postgres://") &&
        !StartsWith(config.database, "postgresql://")) {
      throw std::invalid_argument("--database must be a postgres:// URL");
    }
    return std::make_unique<PgStore>(config.database);
  }
  return std::make_unique<SqliteStore>(config.data_dir + "/rehook.db");
}

RetrySchedule ParseRetrySchedule(const std::string& text) {
  auto schedule = RetrySchedule::Parse(text);
  if (!schedule) {
    throw std::invalid_argument("--retry-schedule must look like 30s,2m,5m (got '" + text + "')");
  }
  return *schedule;
}

OutboundClientOptions OutboundOptions(const Config& config) {
  OutboundClientOptions options;
  options.allow_private_targets = config.allow_private_targets;
  options.allowed_target_cidrs = config.allow_target_cidrs;
  options.ca_file = config.ca_file;
  return options;
}

std::unique_ptr<Clock> MakeClock(const Clock& system_clock, const Config& config) {
  if (config.test_clock_offset_ms == 0) return std::make_unique<SystemClock>();
  return std::make_unique<OffsetClock>(system_clock, config.test_clock_offset_ms);
}

ReplayRunnerOptions ReplayOptions(const Config& config, const std::string& node_id) {
  // Renewed well before it lapses, so a busy lane never loses a live job's lease.
  return ReplayRunnerOptions{
      .node_id = node_id,
      .lease_ms = config.replay_lease_ms,
      .renew_interval_ms = std::min<TimeMs>(2000, config.replay_lease_ms / 3),
      .record_interval_ms = config.replay_record_interval_ms};
}

// A capture's head: refused at once when its source does not exist, so that an unknown ingest
// URL costs the server no body bytes (and gets no 100 Continue).
HeadVerdict CaptureVerdict(bool source_exists, std::string_view path, std::uint64_t max_body) {
  if (source_exists) return HeadVerdict{max_body, std::nullopt};
  const std::string source_id = SplitIngestPath(path).first;
  return HeadVerdict{0, ApiError::NotFound("source '" + source_id + "' does not exist")};
}

}  // namespace

// Declared in the order they are built; destroyed in reverse.
struct Application::Parts {
  explicit Parts(const Config& config)
      : data_dir_lock(PrepareDataDir(config)),
        owner{ResolveNodeId(config.node_id, UsesPostgres(config), config.data_dir), 5 * 60 * 1000},
        clock(MakeClock(system_clock, config)),
        store(OpenStore(config)),
        store_executor(config.store_threads),
        batch_writer(store->events(),
                     BatchWriter::Limits{.test_sync_delay =
                                             std::chrono::milliseconds(config.test_sync_delay_ms)}),
        live_feed(
            store->events(), batch_writer,
            EventFeedOptions{.poll_interval = std::chrono::milliseconds(config.stream_poll_ms),
                             .max_stream_bytes = config.stream_buffer_bytes}),
        source_cache(*clock, 2000),
        route_cache(*clock, 2000),
        destination_cache(*clock, 2000),
        connection_cache(*clock, 2000),
        transformation_cache(*clock, 2000),
        configuration(store->configuration(),
                      ConfigurationCaches{source_cache, route_cache, destination_cache,
                                          connection_cache, transformation_cache}),
        breakers(*clock, BreakerOptions{config.breaker_threshold, config.breaker_cooldown_ms,
                                        UsesPostgres(config)}),
        transformer(TransformerOptions{
            .workers = config.transform_workers,
            .limits =
                ScriptLimits{.cpu_time = std::chrono::milliseconds(config.transform_cpu_ms),
                             .memory_bytes = static_cast<std::size_t>(config.transform_memory_mb)
                                             << 20}}),
        transforms(transformer, Role<ConfigurationStore>(configuration), connection_cache,
                   transformation_cache),
        outbound(MakeOutboundShared(OutboundOptions(config))),
        io(config.io_threads, "rehook-io"),
        delivery_lane(1, "rehook-fwd"),
        replay_lane(1, "rehook-replay"),
        notifier(delivery_lane.context(0), Role(store->notifications()), outbound, timers,
                 NotifierOptions{.public_url = config.public_url}),
        insight(delivery_lane.context(0), notifier, Role<ConfigurationStore>(configuration),
                *clock),
        forwarder(delivery_lane.context(0),
                  ForwarderStores{Role<ConfigurationStore>(configuration), Role(store->events()),
                                  Role(store->work()), Role(store->cluster())},
                  batch_writer, outbound, breakers, destination_cache, transforms,
                  ParseRetrySchedule(config.retry_schedule), *clock, timers, metrics,
                  ForwarderOptions{.owner = owner,
                                   .max_in_flight_per_destination = config.destination_concurrency,
                                   .shared_pacing = UsesPostgres(config)}),
        circuit_sync(delivery_lane.context(0), Role(store->cluster()), breakers, *clock, timers),
        auto_disable(delivery_lane.context(0), Role<ConfigurationStore>(configuration), *clock,
                     timers, config.auto_disable_interval_ms),
        replay_runner(replay_lane.context(0),
                      ReplayStores{Role(store->work()), Role(store->replays()),
                                   Role(store->events()), Role<ConfigurationStore>(configuration)},
                      batch_writer, outbound, breakers, destination_cache, transforms, *clock,
                      timers, metrics, ReplayOptions(config, owner.node_id)),
        authenticator(Role(store->tenancy()), *clock),
        rate_limiter(*clock, config.api_rate_limit, config.api_rate_burst),
        login_limiter(*clock, config.login_rate_limit, config.login_rate_burst),
        services{.clock = *clock,
                 .tenancy = Role(store->tenancy()),
                 .configuration = Role<ConfigurationStore>(configuration),
                 .events = Role(store->events()),
                 .replays = Role(store->replays()),
                 .traffic = Role(store->traffic()),
                 .notifications = Role(store->notifications()),
                 .backup = Role(store->backup()),
                 .breakers = breakers,
                 .target_policy = PolicyOf(*outbound),
                 .outbound = outbound,
                 .writer = batch_writer,
                 .replay_runner = replay_runner,
                 .metrics = metrics,
                 .public_url = config.public_url,
                 .login_limiter = login_limiter,
                 .sessions = SessionPolicy{.max_live_per_key = config.max_sessions_per_key,
                                           .secure_cookie =
                                               config.secure_cookies || !config.tls_cert.empty() ||
                                               StartsWith(config.public_url, "https://")},
                 .search_budget = SearchBudget{.max_events = config.search_scan_events},
                 .live_feed = live_feed,
                 .transformer = transformer,
                 .transforms = transforms,
                 .backup_dir = config.data_dir},
        api(services, authenticator, rate_limiter),
        capture(CaptureHandler::Parts{Role<ConfigurationStore>(configuration), batch_writer,
                                      source_cache, route_cache, forwarder, *clock, owner,
                                      metrics}),
        metrics_page(metrics, Role(store->work()), breakers, batch_writer, config.metrics_token),
        retention(
            store->tenancy(), store->events(), store->traffic(), *clock,
            RetentionSweeper::Options{.interval_ms = config.retention_sweep_interval_ms,
                                      .batch_size = 500,
                                      .dedup_key_max_age_ms = kMaxDedupWindowSeconds * 1000}) {
    // Notifications: what forwarding, replay and auto-disable see changing.
    breakers.SetChangeListener(
        [this](const std::string& destination, CircuitState to, int failures) {
          insight.CircuitChanged(destination, to, failures);
        });
    forwarder.Watch(insight);
    replay_runner.Watch(insight);
    auto_disable.Watch(insight);
  }

  // One store role, called from coroutines on the store's threads.
  template <class R>
  StoreRole<R> Role(R& role) {
    return StoreRole<R>(store_executor, role);
  }

  // Not a coroutine itself: a capture, the hot path, goes straight to its handler's coroutine.
  boost::asio::awaitable<HttpResponse> Route(HttpRequest& request) {
    if (StartsWith(request.path, "/in/")) return capture.Handle(request);
    return RouteOther(request);
  }

  boost::asio::awaitable<HttpResponse> RouteOther(HttpRequest& request) {
    if (request.path == "/v1" || StartsWith(request.path, "/v1/")) {
      co_return co_await api.Handle(request);
    }
    if (request.path == "/healthz") {
      co_return JsonResponse(200, boost::json::object{{"status", "ok"}});
    }
    if (request.path == "/metrics") co_return co_await metrics_page.Serve(request);
    if (request.path == "/readyz") {
      bool ready = co_await store_executor.Run([this] { return store->Ping(); });
      if (!ready) throw ApiError::Unavailable("the store is not reachable", 5);
      co_return JsonResponse(200, boost::json::object{{"status", "ready"}});
    }
    if (auto page = ServeWebAsset(request)) co_return std::move(*page);  // the dashboard
    throw ApiError::NotFound("there is nothing at " + request.path);
  }

  DataDirLock data_dir_lock;
  TaskOwner owner;
  SystemClock system_clock;
  std::unique_ptr<Clock> clock;
  SteadyTimers timers;  // what the lanes' scheduling waits on
  std::unique_ptr<Store> store;
  StoreExecutor store_executor;
  BatchWriter batch_writer;
  EventFeed live_feed;
  SourceCache source_cache;
  RouteCache route_cache;
  DestinationCache destination_cache;
  ConnectionCache connection_cache;
  TransformationCache transformation_cache;
  CachedConfiguration configuration;  // what everyone but the store's own tests changes it through
  CircuitBreakers breakers;
  Transformer transformer;
  TransformStep transforms;  // runs connections' (and replay jobs') transformations
  Metrics metrics;
  std::shared_ptr<OutboundShared> outbound;
  IoPool io;
  IoPool delivery_lane;
  IoPool replay_lane;
  Notifier notifier;        // tells notification channels (on the delivery lane)
  InsightNotifier insight;  // what changed, as notifications
  Forwarder forwarder;
  CircuitSync circuit_sync;
  AutoDisable auto_disable;
  ReplayRunner replay_runner;
  Authenticator authenticator;
  RateLimiter rate_limiter;
  RateLimiter login_limiter;
  ApiServices services;
  ApiDispatcher api;
  CaptureHandler capture;
  MetricsPage metrics_page;
  RetentionSweeper retention;
  std::unique_ptr<HttpServer> server;
  std::uint16_t port = 0;
};

Application::Application(Config config) : config_(std::move(config)) {}

Application::~Application() { Stop(); }

void Application::Start() {
  auto [host, port] = SplitHostPort(config_.listen);
  if (config_.max_body_buffer_bytes < config_.max_body_bytes) {
    throw std::invalid_argument(
        "--max-body-buffer-bytes must be at least --max-body-bytes: a webhook of the largest "
        "size accepted must fit in it");
  }

  if (config_.tls_cert.empty() != config_.tls_key.empty()) {
    throw std::invalid_argument("--tls-cert and --tls-key go together: give both, or neither");
  }
  // Before the store opens: a certificate that does not load stops the start at once.
  if (!config_.tls_cert.empty()) {
    tls_ = std::make_shared<TlsCertificates>(config_.tls_cert, config_.tls_key);
  }

  parts_ = std::make_unique<Parts>(config_);
  Parts& parts = *parts_;

  std::optional<std::string> first_key =
      BootstrapFirstOrganization(parts.store->tenancy(), *parts.clock);
  std::string key_file = config_.data_dir + "/admin.key";
  if (first_key) WriteAdminKeyFile(key_file, *first_key);
  // Deliveries this node was working on when it last stopped are free to be taken again.
  parts.store->work().ReleaseLeases(parts.owner.node_id);

  AddAllApiRoutes(parts.api.router());

  ServerOptions options;
  options.host = host;
  options.port = port;
  options.max_connections = config_.max_connections;
  options.max_connections_per_ip = config_.max_connections_per_ip;
  options.max_body_buffer_bytes = config_.max_body_buffer_bytes;
  options.head_timeout = std::chrono::milliseconds(config_.head_timeout_ms);
  options.trusted_proxies = TrustedProxies(config_.trusted_proxies);
  options.tls = tls_;
  options.on_response = [&metrics = parts.metrics](std::string_view path, int status,
                                                   std::chrono::steady_clock::duration elapsed) {
    metrics.CountResponse(path, status, std::chrono::duration<double>(elapsed).count());
  };
  parts.server = std::make_unique<HttpServer>(
      parts.io, options, [&parts](HttpRequest& request) { return parts.Route(request); },
      HeadCheck{.quick = [&parts, max_body = config_.max_body_bytes](
                             const HttpRequest& request) -> std::optional<HeadVerdict> {
                  if (!StartsWith(request.path, "/in/")) return HeadVerdict{kApiBodyLimit, {}};
                  std::optional<bool> known = parts.capture.KnownSource(request.path);
                  if (!known) return std::nullopt;
                  return CaptureVerdict(*known, request.path, max_body);
                },
                .lookup = [&parts, max_body = config_.max_body_bytes](
                              const HttpRequest& request) -> boost::asio::awaitable<HeadVerdict> {
                  bool exists = true;
                  try {
                    exists = co_await parts.capture.SourceExists(request.path);
                  } catch (const std::exception&) {
                    // The store failed: read the request and let the capture answer it (500).
                  }
                  co_return CaptureVerdict(exists, request.path, max_body);
                }});
  parts.port = parts.server->Start();
  std::string url = (tls_ ? "https://" : "http://") +
                    (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                    std::to_string(parts.port);
  // Before the io threads run, so no handler can see it unset.
  if (parts.services.public_url.empty()) parts.services.public_url = url;
  parts.notifier.SetPublicUrl(parts.services.public_url);
  parts.services.listen_port = parts.port;
  parts.batch_writer.OnDurable([&feed = parts.live_feed] { feed.Wake(); });
  parts.forwarder.Start();
  if (UsesPostgres(config_)) parts.circuit_sync.Start();
  parts.auto_disable.Start();
  parts.delivery_lane.Start();
  parts.replay_runner.Start();
  parts.replay_lane.Start();
  parts.retention.Start();
  parts.io.Start();

  log::Info("server.started", {{"url", url},
                               {"data_dir", config_.data_dir},
                               {"store", UsesPostgres(config_) ? "postgres" : "sqlite"},
                               {"node_id", parts.owner.node_id}});
  std::cout << "rehook listening on " << url << "\n";
  if (first_key) {
    std::cout << "First start: created organization 'default' with a super_admin API key:\n\n  "
              << *first_key << "\n\nIt is shown once and saved to " << key_file
              << " (mode 0600).\n";
  } else if (std::filesystem::exists(key_file)) {
    std::cout << "Admin API key: see " << key_file << "\n";
  } else {
    std::cout << "The store already has an organization: use one of its API keys (the first one "
                 "was printed by the node that created it).\n";
  }
  std::cout << std::flush;
}

void Application::Stop() {
  if (!parts_) return;
  log::Info("server.stopping");
  // A start that failed before the server was made (a bad --trusted-proxies) stops here too.
  if (parts_->server) parts_->server->Shutdown();
  parts_->live_feed.Stop();  // ends the streams, which the io threads' drain waits for
  parts_->retention.Stop();
  parts_->forwarder.Stop();
  parts_->circuit_sync.Stop();
  parts_->auto_disable.Stop();
  parts_->notifier.Stop();
  parts_->replay_runner.Stop();
  parts_->io.Drain(std::chrono::seconds(10));
  parts_->delivery_lane.Drain(std::chrono::seconds(10));
  parts_->replay_lane.Drain(std::chrono::seconds(10));
  parts_->batch_writer.Stop();
  parts_->store_executor.Stop();
  parts_.reset();
  log::Info("server.stopped");
}

void Application::ReloadTls(bool only_if_changed) {
  if (!tls_) return;
  std::optional<TlsCertificates::Reload> reload;
  if (only_if_changed) {
    reload = tls_->LoadIfChanged();
  } else {
    reload = tls_->LoadAgain();
  }
  if (!reload) return;
  if (reload->loaded) {
    log::Info("tls.reloaded", {{"cert", tls_->cert_path()}});
  } else {
    log::Error("tls.reload_failed", {{"error", reload->error}});
  }
}

std::uint16_t Application::port() const { return parts_ ? parts_->port : 0; }

}  // namespace rehook
