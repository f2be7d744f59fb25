// Single-request replay (the hookdeploy API): POST /v1/endpoints/{id}/requests/{requestId}/replay
// sends one captured request to any HTTPS URL and answers with what happened, compared with the
// last earlier send of the request to the same URL (outcome); every replay is recorded and
// listed at .../replays.
#include <boost/asio/this_coro.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/event_json.h"
#include "api/event_lookup.h"
#include "api/request_parsing.h"
#include "api/routes.h"
#include "api/target_checks.h"
#include "common/iso8601.h"
#include "common/log.h"
#include "delivery/attempt_record.h"
#include "delivery/delivery_request.h"
#include "http/json_response.h"

namespace rehook {
namespace {

constexpr std::int64_t kDefaultTimeoutMs = 10000;

boost::json::value IntOrNull(const std::optional<std::int64_t>& value) {
  if (!value) return nullptr;
  return boost::json::value(*value);
}

// The result of a replay as POST .../replay answers it.
boost::json::object OutcomeJson(const SingleReplay& replay) {
  boost::json::object json;
  json["id"] = replay.id;
  json["status_code"] =
      replay.status_code ? boost::json::value(*replay.status_code) : boost::json::value(nullptr);
  json["response_time_ms"] = IntOrNull(replay.response_time_ms);
  json["success"] = replay.success;
  json["error"] =
      replay.error.empty() ? boost::json::value(nullptr) : boost::json::value(replay.error);
  json["outcome"] = ReplayOutcomeJson(replay.outcome);
  AddResponseBody(json, replay.response_body);
  return json;
}

// A recorded replay as the list shows it.
boost::json::object RecordJson(const SingleReplay& replay) {
  boost::json::object json = OutcomeJson(replay);
  json["request_id"] = replay.event_id;
  json["endpoint_id"] = replay.source_id;
  json["target_url"] = replay.target_url;
  json["created_at"] = FormatIso8601(replay.created_at);
  return json;
}

boost::asio::awaitable<HttpResponse> ReplayRequest(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  const std::string target_text = RequiredString(body, "target_url", 2048);
  const auto timeout_ms =
      OptionalInteger(body, "timeout_ms", 100, 120000).value_or(kDefaultTimeoutMs);
  Event event = co_await LoadEndpointRequest(request, true);
  TargetUrl target = co_await CheckTargetUrl(request, target_text, "target_url", true);

  auto shared_event = std::make_shared<const Event>(std::move(event));
  auto event_body = std::shared_ptr<const std::string>(shared_event, &shared_event->body);
  OutboundRequest outbound = BuildRequestReplay(*shared_event, event_body, std::move(target),
                                                std::chrono::milliseconds(timeout_ms));
  // A client of its own: replays are occasional, so keeping connections open between them
  // would buy nothing.
  OutboundClient client(co_await boost::asio::this_coro::executor, request.services.outbound);
  OutboundResult result = co_await client.Send(std::move(outbound));
  request.services.metrics.CountAttempt(DeliveryKind::request_replay, result.success(),
                                        result.response_time_ms);

  SingleReplay replay =
      SingleReplayRecord(*shared_event, target_text, result, request.services.clock.Now());
  co_await request.services.replays.Run([&](ReplayHistory& store) {
    replay.outcome = CompareWithEarlier(
        store.LastResultAtUrl(replay.org_id, replay.event_id, replay.target_url), replay.success);
    store.InsertSingleReplay(replay);
  });
  log::Info("replay.single", {{"request_id", replay.event_id},
                              {"target_url", replay.target_url},
                              {"success", replay.success},
                              {"outcome", std::string(ReplayOutcomeName(*replay.outcome))},
                              {"error", replay.error}});
  co_return JsonResponse(200, boost::json::object{{"data", OutcomeJson(replay)}});
}

boost::asio::awaitable<HttpResponse> ListRequestReplays(ApiRequest& request) {
  Event event = co_await LoadEndpointRequest(request, false);
  auto replays = co_await request.services.replays.Run([&](ReplayHistory& store) {
    return store.ListSingleReplays(request.principal.org_id, event.id);
  });
  boost::json::array data;
  for (const SingleReplay& replay : replays) data.push_back(RecordJson(replay));
  co_return JsonListResponse(std::move(data), std::nullopt);
}

}  // namespace

void AddRequestReplayRoutes(ApiRouter& router) {
  router.Add("POST", "/v1/endpoints/{id}/requests/{requestId}/replay",
             {Permission::replay_request, ReplayRequest});
  router.Add("GET", "/v1/endpoints/{id}/requests/{requestId}/replays",
             {Permission::read, ListRequestReplays});
}

}  // namespace rehook
