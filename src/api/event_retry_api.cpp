// POST /v1/events/{id}/retry (alias /v1/requests/{id}/retry): one captured event resent to one
// destination now, as forwarding would send it, even while the destination's circuit is open
// (delivery/manual_resend.h). The attempt (trigger "manual") is durable before the answer, and
// counts for failed-only and undelivered-only replays like any other.
#include <boost/asio/this_coro.hpp>
#include <boost/json/object.hpp>

#include "api/event_json.h"
#include "api/event_lookup.h"
#include "api/request_parsing.h"
#include "api/routes.h"
#include "delivery/manual_resend.h"
#include "http/api_error.h"
#include "http/json_response.h"
#include "store/await_durable.h"

namespace rehook {
namespace {

boost::asio::awaitable<HttpResponse> RetryEvent(ApiRequest& request) {
  // Another organization's event reads as missing before its body is even looked at.
  Event event = co_await LoadEvent(request, request.Param("id"), true);
  auto body = ParseJsonObject(request.http);
  const std::string destination_id = RequiredString(body, "destination_id");
  const std::string& org = request.principal.org_id;
  auto destination = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.GetDestination(org, destination_id); });
  if (!destination) {
    throw ApiError::NotFound("'destination_id' " + destination_id + " does not exist");
  }
  if (!destination->enabled) {
    throw ApiError::Conflict("'destination_id' " + destination_id +
                             " is disabled: enable it before resending to it");
  }

  // Sent as forwarding would send it: through the transformation of the source's connection to
  // the destination, when there is one.
  auto connections = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.ListConnectionsOfSource(event.source_id); });
  const Connection* via = nullptr;
  for (const Connection& connection : connections) {
    if (connection.destination_id == destination_id && connection.org_id == org) {
      via = &connection;
      break;
    }
  }

  // A client of its own, as for single-request replays: resends are occasional.
  OutboundClient client(co_await boost::asio::this_coro::executor, request.services.outbound);
  ApiServices& services = request.services;
  DeliveryAttempt attempt = co_await ResendNow(
      {client, services.breakers, services.metrics, services.clock, services.transforms},
      std::make_shared<const Event>(std::move(event)), *destination, via);
  boost::json::object data = AttemptJson(attempt);
  co_await SubmitDurably(services.writer, std::move(attempt));
  co_return JsonResponse(200, boost::json::object{{"data", std::move(data)}});
}

}  // namespace

void AddEventRetryRoutes(ApiRouter& router) {
  for (std::string base : {"/v1/events", "/v1/requests"}) {
    router.Add("POST", base + "/{id}/retry", {Permission::write_resources, RetryEvent});
  }
}

}  // namespace rehook
