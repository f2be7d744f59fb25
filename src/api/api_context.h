#pragma once
// What an API handler gets: the request, its path parameters, the authenticated caller and the
// services it may use. Handlers are thin: parse and validate input, call the store or a core
// component, shape the JSON reply.

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "delivery/circuit_breaker.h"
#include "delivery/outbound_client.h"
#include "delivery/routing.h"
#include "delivery/target_guard.h"
#include "delivery/transform_step.h"
#include "domain/role.h"
#include "domain/tenancy.h"
#include "http/http_types.h"
#include "http/rate_limiter.h"
#include "http/router.h"
#include "live/event_feed.h"
#include "metrics/metrics.h"
#include "replay/replay_runner.h"
#include "search/event_search.h"
#include "store/batch_writer.h"
#include "store/store.h"
#include "store/store_executor.h"
#include "transform/transformer.h"

namespace rehook {

// Dashboard sessions (POST /v1/auth/login).
struct SessionPolicy {
  TimeMs ttl_ms = 12 * 3600 * 1000;
  int max_live_per_key = 20;   // a new sign-in ends the key's oldest session past this
  bool secure_cookie = false;  // the cookie is sent over HTTPS only (--public-url https://...)
};

struct ApiServices {
  const Clock& clock;
  // The store roles the API uses; configuration changes drop what they make stale from the
  // caches on their own (CachedConfiguration).
  StoreRole<TenancyStore> tenancy;
  StoreRole<ConfigurationStore> configuration;
  StoreRole<EventLog> events;
  StoreRole<ReplayHistory> replays;
  StoreRole<TrafficStats> traffic;
  StoreRole<NotificationStore> notifications;
  StoreRole<StoreBackup> backup;
  CircuitBreakers& breakers;
  const TargetPolicy& target_policy;         // the SSRF guard, applied to URLs when they are saved
  std::shared_ptr<OutboundShared> outbound;  // for single-request replays and manual resends
  BatchWriter& writer;                       // records manual resends (group commit)
  ReplayRunner& replay_runner;               // told about new and cancelled jobs
  Metrics& metrics;                          // counts single-request replays
  std::string public_url;                    // e.g. "http://127.0.0.1:8080", for ingest URLs
  std::uint16_t listen_port = 0;             // the port the server listens on
  RateLimiter& login_limiter;                // sign-in attempts, per client address and per key
  SessionPolicy sessions = {};
  SearchBudget search_budget = {};  // what one search call of the events list may scan
  EventFeed& live_feed;             // new events for live streams
  // A comment line on an idle stream this often (API.md: at least every 15 s), which is also
  // how a stream notices its client has gone.
  std::chrono::milliseconds stream_heartbeat{10000};
  Transformer& transformer;   // runs transformation scripts (the test run, checks of new code)
  TransformStep& transforms;  // a connection's transformation, for manual resends
  std::string backup_dir;     // where POST /v1/admin/backup makes its copy ("" for none)
};

class ApiRequest {
 public:
  ApiRequest(HttpRequest& http, PathParams params, Principal principal, ApiServices& services)
      : http(http),
        params(std::move(params)),
        principal(std::move(principal)),
        services(services) {}

  HttpRequest& http;
  PathParams params;
  Principal principal;
  ApiServices& services;

  // A path parameter declared by the route pattern ("{id}").
  const std::string& Param(std::string_view name) const;
  // A query parameter (decoded), or nullopt; throws 400 for a malformed query string.
  std::optional<std::string> Query(std::string_view name);

 private:
  std::optional<std::vector<std::pair<std::string, std::string>>> query_;
};

using ApiHandler = std::function<boost::asio::awaitable<HttpResponse>(ApiRequest&)>;

struct ApiRoute {
  Permission permission = Permission::read;
  ApiHandler handler;
  bool requires_key = true;  // false only for sign-in and the OpenAPI document
};

using ApiRouter = Router<ApiRoute>;

}  // namespace rehook
