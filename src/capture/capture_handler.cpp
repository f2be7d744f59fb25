#include "capture/capture_handler.h"

#include <chrono>

#include "common/await_callback.h"
#include "common/ids.h"
#include "http/api_error.h"

namespace rehook {

std::pair<std::string, std::string> SplitIngestPath(std::string_view path) {
  constexpr std::string_view kPrefix = "/in/";
  std::string_view rest = path.substr(std::min(path.size(), kPrefix.size()));
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return {std::string(rest), "/"};
  return {std::string(rest.substr(0, slash)), std::string(rest.substr(slash))};
}

boost::asio::awaitable<std::optional<Source>> CaptureHandler::FindSource(const std::string& id) {
  if (auto cached = parts_.sources.Lookup(id)) co_return *cached;
  auto source =
      co_await parts_.store.Run([&](Store& store) { return store.FindSourceForCapture(id); });
  parts_.sources.Put(id, source);
  co_return source;
}

boost::asio::awaitable<std::shared_ptr<const SourceRoutes>> CaptureHandler::FindRoutes(
    const std::string& id) {
  if (auto cached = parts_.routes.Lookup(id)) co_return *cached;
  auto connections =
      co_await parts_.store.Run([&](Store& store) { return store.ListConnectionsOfSource(id); });
  auto routes = CompileRoutes(connections);
  parts_.routes.Put(id, routes);
  co_return routes;
}

boost::asio::awaitable<HttpResponse> CaptureHandler::Handle(HttpRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  auto [source_id, sub_path] = SplitIngestPath(request.path);
  std::optional<Source> source;
  if (HasIdShape(source_id, "src")) source = co_await FindSource(source_id);
  if (!source) throw ApiError::NotFound("source '" + source_id + "' does not exist");

  std::shared_ptr<const SourceRoutes> routes = co_await FindRoutes(source->id);

  TimeMs now = parts_.clock.Now();
  auto event = std::make_shared<Event>();
  event->id = NewId("evt", now);
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
  std::string id = event->id;

  NewEvent item{event, PlanDeliveries(*event, *routes, now, parts_.owner)};
  std::vector<DeliveryTask> tasks = item.tasks;
  co_await AwaitCallback<bool>([this, &item](auto complete) {
    parts_.writer.Submit(std::move(item),
                         [complete](std::exception_ptr error) { complete(error, !error); });
  });
  if (!tasks.empty()) parts_.forwarder.Enqueue(std::move(event), std::move(tasks));
  parts_.metrics.CountCapture(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  // The reply of the hot path, built without a JSON document (an id needs no escaping).
  co_return HttpResponse::Text(200, "application/json", "{\"id\":\"" + id + "\"}");
}

}  // namespace rehook
