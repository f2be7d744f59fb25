#include "app/application.h"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <filesystem>
#include <iostream>

#include "api/api_dispatcher.h"
#include "api/routes.h"
#include "app/bootstrap.h"
#include "capture/capture_handler.h"
#include "common/log.h"
#include "http/api_error.h"
#include "http/json_response.h"
#include "http/server.h"
#include "store/event_writer.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_executor.h"

namespace rehook {
namespace {

constexpr std::uint64_t kApiBodyLimit = 1024 * 1024;

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::unique_ptr<Store> OpenStore(const Config& config) {
  if (!config.database.empty()) {
    throw std::invalid_argument("--database: PostgreSQL is not supported by this build yet");
  }
  std::filesystem::create_directories(config.data_dir);
  std::filesystem::permissions(config.data_dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace);
  return std::make_unique<SqliteStore>(config.data_dir + "/rehook.db");
}

}  // namespace

// Declared in the order they are built; destroyed in reverse.
struct Application::Parts {
  explicit Parts(const Config& config)
      : clock(config.test_clock_offset_ms ? std::unique_ptr<Clock>(new OffsetClock(
                                                system_clock, config.test_clock_offset_ms))
                                          : std::unique_ptr<Clock>(new SystemClock())),
        store(OpenStore(config)),
        store_executor(*store, config.store_threads),
        event_writer(*store, EventWriter::Limits{}),
        source_cache(*clock, 2000),
        io(config.io_threads),
        authenticator(store_executor, *clock),
        rate_limiter(*clock, config.api_rate_limit, config.api_rate_burst),
        services{*clock, store_executor, source_cache, config.public_url},
        api(services, authenticator, rate_limiter),
        capture(store_executor, event_writer, source_cache, *clock) {}

  boost::asio::awaitable<HttpResponse> Route(HttpRequest& request) {
    if (StartsWith(request.path, "/in/")) co_return co_await capture.Handle(request);
    if (request.path == "/v1" || StartsWith(request.path, "/v1/")) {
      co_return co_await api.Handle(request);
    }
    if (request.path == "/healthz") {
      co_return JsonResponse(200, boost::json::object{{"status", "ok"}});
    }
    if (request.path == "/readyz") {
      bool ready = co_await store_executor.Run([](Store& s) { return s.Ping(); });
      if (!ready) throw ApiError::Unavailable("the store is not reachable", 5);
      co_return JsonResponse(200, boost::json::object{{"status", "ready"}});
    }
    throw ApiError::NotFound("there is nothing at " + request.path);
  }

  SystemClock system_clock;
  std::unique_ptr<Clock> clock;
  std::unique_ptr<Store> store;
  StoreExecutor store_executor;
  EventWriter event_writer;
  SourceCache source_cache;
  IoPool io;
  Authenticator authenticator;
  RateLimiter rate_limiter;
  ApiServices services;
  ApiDispatcher api;
  CaptureHandler capture;
  std::unique_ptr<HttpServer> server;
  std::uint16_t port = 0;
};

Application::Application(Config config) : config_(std::move(config)) {}

Application::~Application() { Stop(); }

void Application::Start() {
  auto [host, port] = SplitHostPort(config_.listen);
  parts_ = std::make_unique<Parts>(config_);
  Parts& parts = *parts_;

  std::optional<std::string> first_key = BootstrapFirstOrganization(*parts.store, *parts.clock);
  std::string key_file = config_.data_dir + "/admin.key";
  if (first_key) WriteAdminKeyFile(key_file, *first_key);

  ApiRouter& router = parts.api.router();
  AddAuthRoutes(router);
  AddOrganizationRoutes(router);
  AddApiKeyRoutes(router);
  AddSourceRoutes(router);
  AddEventRoutes(router);

  ServerOptions options;
  options.host = host;
  options.port = port;
  const std::uint64_t max_body = config_.max_body_bytes;
  parts.server = std::make_unique<HttpServer>(
      parts.io, options, [&parts](HttpRequest& request) { return parts.Route(request); },
      [max_body](std::string_view target) {
        return StartsWith(target, "/in/") ? max_body : kApiBodyLimit;
      });
  parts.port = parts.server->Start();
  std::string url = "http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                    ":" + std::to_string(parts.port);
  // Before the io threads run, so no handler can see it unset.
  if (parts.services.public_url.empty()) parts.services.public_url = url;
  parts.io.Start();

  log::Info("server.started", {{"url", url}, {"data_dir", config_.data_dir}});
  std::cout << "rehook listening on " << url << "\n";
  if (first_key) {
    std::cout << "First start: created organization 'default' with a super_admin API key:\n\n  "
              << *first_key << "\n\nIt is shown once and saved to " << key_file
              << " (mode 0600).\n";
  } else {
    std::cout << "Admin API key: see " << key_file << "\n";
  }
  std::cout << std::flush;
}

void Application::Stop() {
  if (!parts_) return;
  log::Info("server.stopping");
  parts_->server->Shutdown();
  parts_->io.Drain(std::chrono::seconds(10));
  parts_->event_writer.Stop();
  parts_->store_executor.Stop();
  parts_.reset();
  log::Info("server.stopped");
}

std::uint16_t Application::port() const { return parts_ ? parts_->port : 0; }

}  // namespace rehook
