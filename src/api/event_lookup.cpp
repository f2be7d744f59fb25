#include "api/event_lookup.h"

#include "http/api_error.h"

namespace rehook {

boost::asio::awaitable<void> RequireSource(ApiRequest& request, const std::string& source_id,
                                           std::string_view field) {
  auto source = co_await request.services.configuration.Run([&](ConfigurationStore& store) {
    return store.GetSource(request.principal.org_id, source_id);
  });
  if (!source) {
    throw ApiError::NotFound(std::string(field) + " '" + source_id + "' does not exist");
  }
}

boost::asio::awaitable<Event> LoadEvent(ApiRequest& request, const std::string& id,
                                        bool with_body) {
  auto event = co_await request.services.events.Run(
      [&](EventLog& store) { return store.GetEvent(request.principal.org_id, id, with_body); });
  if (!event) throw ApiError::NotFound("event '" + id + "' does not exist");
  co_return std::move(*event);
}

boost::asio::awaitable<Event> LoadEndpointRequest(ApiRequest& request, bool with_body) {
  const std::string& source_id = request.Param("id");
  co_await RequireSource(request, source_id, "endpoint");
  const std::string& request_id = request.Param("requestId");
  auto event = co_await request.services.events.Run([&](EventLog& store) {
    return store.GetEvent(request.principal.org_id, request_id, with_body);
  });
  if (!event || event->source_id != source_id) {
    throw ApiError::NotFound("request '" + request_id + "' does not exist on endpoint '" +
                             source_id + "'");
  }
  co_return std::move(*event);
}

}  // namespace rehook
