// GET /v1/stats: traffic over time (API.md, "Insight"), from the rollups the group commit keeps
// (domain/traffic.h), never from the events themselves.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/event_lookup.h"
#include "api/request_parsing.h"
#include "api/routes.h"
#include "common/iso8601.h"
#include "domain/traffic.h"
#include "http/api_error.h"
#include "http/json_response.h"

namespace rehook {
namespace {

// A day of minutes (the last 24 h touch 1 441 of them: the partial ones at both ends), or two
// months of hours: more points than a chart can draw.
constexpr TimeMs kMaxPoints = 1500;
// Without `from`: the last hour of minutes, the last day of hours.
constexpr TimeMs kDefaultPoints[] = {60, 24};

TrafficQuery ParseTrafficQuery(ApiRequest& request) {
  TrafficQuery query;
  query.org_id = request.principal.org_id;
  const std::string bucket = request.Query("bucket").value_or("hour");
  if (bucket != "minute" && bucket != "hour") {
    throw ApiError::BadRequest("'bucket' must be \"minute\" or \"hour\"");
  }
  const bool minutes = bucket == "minute";
  query.bucket_ms = minutes ? kMinuteMs : kHourMs;
  // Whole buckets: from the one holding `from` up to and including the one holding `to`.
  const TimeMs to = ParseTimeQuery(request, "to").value_or(request.services.clock.Now());
  query.to = TrafficBucketStart(to, query.bucket_ms) + query.bucket_ms;
  const std::optional<TimeMs> from = ParseTimeQuery(request, "from");
  query.from = from ? TrafficBucketStart(*from, query.bucket_ms)
                    : query.to - kDefaultPoints[minutes ? 0 : 1] * query.bucket_ms;
  if (from && *from > to) throw ApiError::BadRequest("'from' must not be later than 'to'");
  if ((query.to - query.from) / query.bucket_ms > kMaxPoints) {
    throw ApiError::BadRequest("'from' is too early: at most " + std::to_string(kMaxPoints) +
                               " buckets of a " + bucket + " per request");
  }
  for (const char* field : {"source_id", "destination_id"}) {
    std::optional<std::string> id = request.Query(field);
    if (!id || id->empty()) continue;
    (std::string_view(field) == "source_id" ? query.source_id : query.destination_id) = *id;
  }
  return query;
}

boost::asio::awaitable<void> RequireDestination(ApiRequest& request, const std::string& id) {
  const std::string& org = request.principal.org_id;
  bool exists = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.GetDestination(org, id).has_value(); });
  if (!exists) throw ApiError::NotFound("'destination_id' " + id + " does not exist");
}

boost::json::value OptionalMs(std::optional<std::int64_t> ms) {
  return ms ? boost::json::value(*ms) : boost::json::value(nullptr);
}

boost::asio::awaitable<HttpResponse> GetStats(ApiRequest& request) {
  TrafficQuery query = ParseTrafficQuery(request);
  if (query.source_id) co_await RequireSource(request, *query.source_id, "source_id");
  if (query.destination_id) co_await RequireDestination(request, *query.destination_id);
  std::vector<TrafficRow> rows = co_await request.services.traffic.Run(
      [&](TrafficStats& store) { return store.ListTraffic(query); });
  boost::json::array data;
  for (const TrafficPoint& point : FoldTraffic(query, rows)) {
    data.push_back(boost::json::object{{"t", FormatIso8601(point.t)},
                                       {"captured", point.captured},
                                       {"delivered", point.delivered},
                                       {"failed", point.failed},
                                       {"p50_ms", OptionalMs(point.p50_ms)},
                                       {"p95_ms", OptionalMs(point.p95_ms)}});
  }
  boost::json::object body{{"data", std::move(data)},
                           {"bucket", query.bucket_ms == kMinuteMs ? "minute" : "hour"},
                           {"from", FormatIso8601(query.from)},
                           {"to", FormatIso8601(query.to)}};
  co_return JsonResponse(200, std::move(body));
}

}  // namespace

void AddStatsRoutes(ApiRouter& router) {
  router.Add("GET", "/v1/stats", {Permission::read, GetStats});
}

}  // namespace rehook
