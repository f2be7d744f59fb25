#include "capture/capture_handler.h"

#include <chrono>
#include <unordered_set>

#include "common/await_callback.h"
#include "common/encoding.h"
#include "common/ids.h"
#include "common/log.h"
#include "delivery/hop_marker.h"
#include "http/api_error.h"

namespace rehook {

std::pair<std::string, std::string> SplitIngestPath(std::string_view path) {
  constexpr std::string_view kPrefix = "/in/";
  std::string_view rest = path.substr(std::min(path.size(), kPrefix.size()));
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return {std::string(rest), "/"};
  return {std::string(rest.substr(0, slash)), std::string(rest.substr(slash))};
}

boost::asio::awaitable<std::shared_ptr<const CaptureSource>> CaptureHandler::LoadSource(
    const std::string& id) {
  auto source = co_await parts_.configuration.Run(
      [&](ConfigurationStore& store) { return store.FindSourceForCapture(id); });
  std::shared_ptr<const CaptureSource> found;
  if (source) {
    // Stored configs were validated when written, so this does not throw in practice; if it
    // did, the capture fails with 500 rather than skipping a check the source asked for.
    CaptureRules rules = ParseCaptureRules(source->config_json);
    found =
        std::make_shared<const CaptureSource>(CaptureSource{std::move(*source), std::move(rules)});
  }
  parts_.sources.Put(id, found);
  co_return found;
}

boost::asio::awaitable<std::shared_ptr<const SourceRoutes>> CaptureHandler::LoadRoutes(
    const std::string& id) {
  struct Routing {
    std::vector<Connection> connections;
    std::unordered_set<std::string> disabled_destinations;
  };
  auto routing = co_await parts_.configuration.Run([&](ConfigurationStore& store) {
    Routing found{store.ListConnectionsOfSource(id), {}};
    for (const Connection& connection : found.connections) {
      if (!connection.enabled) continue;
      auto destination = store.GetDestination(connection.org_id, connection.destination_id);
      if (destination && !destination->enabled) {
        found.disabled_destinations.insert(destination->id);
      }
    }
    return found;
  });
  auto routes = CompileRoutes(routing.connections, routing.disabled_destinations);
  parts_.routes.Put(id, routes);
  co_return routes;
}

std::optional<bool> CaptureHandler::KnownSource(std::string_view path) {
  const std::string source_id = SplitIngestPath(path).first;
  if (!HasIdShape(source_id, "src")) return false;
  if (auto cached = parts_.sources.Lookup(source_id)) return *cached != nullptr;
  return std::nullopt;
}

boost::asio::awaitable<bool> CaptureHandler::SourceExists(std::string_view path) {
  if (auto known = KnownSource(path)) co_return *known;
  const std::string source_id = SplitIngestPath(path).first;
  co_return co_await LoadSource(source_id) != nullptr;
}

boost::asio::awaitable<HttpResponse> CaptureHandler::Handle(HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  auto [source_id, sub_path] = SplitIngestPath(request.path);
  // Cache hits, the usual case, are read here rather than through a coroutine of their own.
  std::shared_ptr<const CaptureSource> found;
  if (HasIdShape(source_id, "src")) {
    // (No co_await inside a conditional expression: GCC 12 miscompiles it.)
    if (auto cached = parts_.sources.Lookup(source_id)) {
      found = std::move(*cached);
    } else {
      found = co_await LoadSource(source_id);
    }
  }
  if (!found) throw ApiError::NotFound("source '" + source_id + "' does not exist");
  const Source* source = &found->source;
  const CaptureRules& rules = found->rules;
  if (auto loop = LoopRefusal(request.headers)) {
    log::Warn("capture.loop_refused", {{"source_id", source->id}, {"reason", *loop}});
    parts_.metrics.CountLoopRefused();
    throw ApiError::BadRequest(*loop);
  }

  TimeMs now = parts_.clock.Now();
  bool verified = true;
  if (rules.verification) {
    VerificationResult check =
        VerifySignature(*rules.verification, request.headers, request.body, now / 1000);
    if (!check) {
      parts_.metrics.CountUnverifiedCapture();
      if (!rules.verification->record_failures) {
        throw ApiError::Unauthorized("signature verification failed: " + check.reason());
      }
      verified = false;
    }
  }
  std::optional<NewEvent::DedupClaim> dedup;
  // Only verified requests take dedup keys: otherwise a forged request carrying a real
  // webhook's id could make the genuine one look like a duplicate.
  if (rules.dedup && verified) {
    if (auto key = DedupKeyOf(*rules.dedup, request.headers, request.body)) {
      dedup =
          NewEvent::DedupClaim{HexEncode(Sha256(*key)), now - rules.dedup->window_seconds * 1000};
    }
  }

  RemoveCredentialHeaders(rules, request.headers);  // after the dedup key: it may be a header

  // An unverified request is kept for inspection only: it routes nowhere.
  auto routes = std::make_shared<const SourceRoutes>();
  if (verified) {
    if (auto cached = parts_.routes.Lookup(source->id)) {
      routes = std::move(*cached);
    } else {
      routes = co_await LoadRoutes(source->id);
    }
  }

  auto event = std::make_shared<Event>();
  event->id = NewOrderedId("evt", now);  // in arrival order, also within a millisecond
  event->org_id = source->org_id;
  event->source_id = source->id;
  event->received_at = now;
  event->method = std::move(request.method);
  event->path = std::move(sub_path);
  event->query = std::move(request.query);
  event->headers = std::move(request.headers);
  event->client_ip = std::move(request.client_ip);
  event->size = static_cast<std::int64_t>(request.body.size());
  event->body = std::move(request.body);
  event->verified = verified;
  std::string id = event->id;

  NewEvent item{event, PlanDeliveries(*event, *routes, now, parts_.owner), std::move(dedup)};
  std::vector<DeliveryTask> tasks = item.tasks;
  std::string duplicate_of = co_await AwaitCallback<std::string>([this, &item](auto complete) {
    parts_.writer.Submit(std::move(item),
                         [complete](std::exception_ptr error, const std::string& original) {
                           complete(error, original);
                         });
  });
  if (!duplicate_of.empty()) {
    // The earlier event was stored and forwarded; this copy is answered with its id only.
    parts_.metrics.CountDuplicateCapture();
    co_return HttpResponse::Text(200, "application/json",
                                 "{\"id\":\"" + duplicate_of + "\",\"duplicate\":true}");
  }
  if (!tasks.empty()) parts_.forwarder.Enqueue(std::move(event), std::move(tasks));
  parts_.metrics.CountCapture(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  // The reply of the hot path, built without a JSON document (an id needs no escaping).
  co_return HttpResponse::Text(200, "application/json", "{\"id\":\"" + id + "\"}");
}

}  // namespace rehook
