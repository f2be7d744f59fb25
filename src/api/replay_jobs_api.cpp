// /v1/replay: replay jobs. The handlers validate, count the scope and record the job; the
// ReplayRunner (replay/replay_runner.h) does the delivering.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/event_json.h"
#include "api/request_parsing.h"
#include "api/routes.h"
#include "common/ids.h"
#include "common/iso8601.h"
#include "http/api_error.h"
#include "http/json_response.h"
#include "replay/replay_scope.h"

namespace rehook {
namespace {

constexpr int kDefaultRateLimit = 10;
constexpr int kMaxRateLimit = 100;
constexpr int kDefaultMaxEvents = 1000;
constexpr int kMaxMaxEvents = 10000;

boost::json::value TimeOrNull(const std::optional<TimeMs>& time) {
  if (!time) return nullptr;
  return boost::json::value(FormatIso8601(*time));
}

boost::json::value StringOrNull(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return boost::json::value(*text);
}

boost::json::object JobJson(const ReplayJob& job) {
  boost::json::object json;
  json["id"] = job.id;
  json["status"] = ReplayStatusName(job.status);
  json["status_reason"] = job.status_reason.empty() ? boost::json::value(nullptr)
                                                    : boost::json::value(job.status_reason);
  json["total"] = job.total;
  json["processed"] = job.processed;
  json["succeeded"] = job.succeeded;
  json["failed"] = job.failed;
  // Compared with each event's last earlier attempt at the destination (see "outcome").
  json["fixed"] = job.fixed;
  json["regressed"] = job.regressed;
  // Remaining events at the job's rate; a lower bound when the destination answers slowly.
  const bool live = job.status == ReplayStatus::running || job.status == ReplayStatus::paused;
  json["eta_seconds"] =
      live ? boost::json::value((job.total - job.processed + job.rate_limit - 1) / job.rate_limit)
           : boost::json::value(nullptr);
  json["started_at"] = FormatIso8601(job.started_at);
  json["completed_at"] = TimeOrNull(job.completed_at);
  json["destination_id"] = job.destination_id;
  json["source_id"] = StringOrNull(job.source_id);
  json["connection_id"] = StringOrNull(job.connection_id);
  json["transformation_id"] = StringOrNull(job.transformation_id);
  json["filter"] =
      job.filter_json.empty() ? boost::json::value(nullptr) : boost::json::parse(job.filter_json);
  json["from"] = FormatIso8601(job.from);
  json["to"] = FormatIso8601(job.to);
  json["rate_limit"] = job.rate_limit;
  json["max_events"] = job.max_events;
  json["id_mode"] = ReplayIdModeName(job.id_mode);
  json["only"] = ReplayOnlyName(job.only);
  json["created_at"] = FormatIso8601(job.created_at);
  json["expires_at"] = TimeOrNull(job.expires_at);
  return json;
}

// How a 404 "no event matches" names the job's `only`.
std::string OnlyClause(ReplayOnly only) {
  switch (only) {
    case ReplayOnly::all:
      return "";
    case ReplayOnly::failed:
      return " and whose latest attempt at the destination failed";
    case ReplayOnly::undelivered:
      return " and that no attempt delivered to the destination";
  }
  return "";
}

bool ParseDryRun(ApiRequest& request) {
  std::optional<std::string> value = request.Query("dry_run");
  if (!value || *value == "false" || *value == "0") return false;
  if (*value == "true" || *value == "1" || value->empty()) return true;
  throw ApiError::BadRequest("'dry_run' must be true or false");
}

// Both filters must pass: the job's own and the connection's.
std::string CombineFilters(const std::string& job_filter, const std::string& connection_filter) {
  if (job_filter.empty()) return connection_filter;
  if (connection_filter.empty()) return job_filter;
  boost::json::array both{boost::json::parse(job_filter), boost::json::parse(connection_filter)};
  return boost::json::serialize(boost::json::object{{"$and", std::move(both)}});
}

// Reads and checks the body of POST /v1/replay into a job (not yet counted).
boost::asio::awaitable<ReplayJob> ParseJob(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  const std::string& org = request.principal.org_id;
  ReplayJob job;
  job.org_id = org;
  job.destination_id = RequiredString(body, "destination_id");
  job.from = RequiredTime(body, "from");
  job.to = RequiredTime(body, "to");
  if (job.from >= job.to) throw ApiError::BadRequest("'from' must be earlier than 'to'");
  job.source_id = OptionalString(body, "source_id");
  job.connection_id = OptionalString(body, "connection_id");
  job.transformation_id = OptionalString(body, "transformation_id");
  job.filter_json = OptionalFilter(body, "filter").value_or("");
  job.rate_limit = static_cast<int>(
      OptionalInteger(body, "rate_limit", 1, kMaxRateLimit).value_or(kDefaultRateLimit));
  job.max_events = static_cast<int>(
      OptionalInteger(body, "max_events", 1, kMaxMaxEvents).value_or(kDefaultMaxEvents));
  if (auto id_mode = OptionalString(body, "id_mode")) {
    auto parsed = ParseReplayIdMode(*id_mode);
    if (!parsed) throw ApiError::BadRequest("'id_mode' must be 'new' or 'original'");
    job.id_mode = *parsed;
  }
  if (auto only = OptionalString(body, "only")) {
    auto parsed = ParseReplayOnly(*only);
    if (!parsed) throw ApiError::BadRequest("'only' must be 'all', 'failed' or 'undelivered'");
    job.only = *parsed;
  }

  auto destination = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.GetDestination(org, job.destination_id); });
  if (!destination) {
    throw ApiError::NotFound("'destination_id' " + job.destination_id + " does not exist");
  }
  if (job.source_id) {
    auto source = co_await request.services.configuration.Run(
        [&](ConfigurationStore& store) { return store.GetSource(org, *job.source_id); });
    if (!source) throw ApiError::NotFound("'source_id' " + *job.source_id + " does not exist");
  }
  if (job.connection_id) {
    auto connection = co_await request.services.configuration.Run(
        [&](ConfigurationStore& store) { return store.GetConnection(org, *job.connection_id); });
    if (!connection) {
      throw ApiError::NotFound("'connection_id' " + *job.connection_id + " does not exist");
    }
    if (job.source_id && *job.source_id != connection->source_id) {
      throw ApiError::BadRequest("'connection_id' " + connection->id + " belongs to source " +
                                 connection->source_id + ", not to 'source_id' " + *job.source_id);
    }
    // Replaying a connection means replaying what it would have delivered.
    job.source_id = connection->source_id;
    job.filter_json = CombineFilters(job.filter_json, connection->filter_json);
  }
  if (job.transformation_id) {
    auto transformation =
        co_await request.services.configuration.Run([&](ConfigurationStore& store) {
          return store.GetTransformation(org, *job.transformation_id);
        });
    if (!transformation) {
      throw ApiError::NotFound("'transformation_id' " + *job.transformation_id + " does not exist");
    }
  }
  co_return job;
}

boost::asio::awaitable<HttpResponse> CreateReplayJob(ApiRequest& request) {
  const bool dry_run = ParseDryRun(request);
  ReplayJob job = co_await ParseJob(request);
  ScopeCount count = co_await request.services.events.Run(
      [&](EventLog& events) { return CountReplayScope(events, ScopeOfJob(job), job.max_events); });
  if (count.total == 0) {
    throw ApiError::NotFound("no event matches: nothing was received in [" +
                             FormatIso8601(job.from) + ", " + FormatIso8601(job.to) +
                             "] that passes the job's source and filter" + OnlyClause(job.only));
  }
  if (dry_run) {
    boost::json::array samples;
    for (const ScopeSample& sample : count.samples) {
      samples.push_back(boost::json::object{{"id", sample.id},
                                            {"method", sample.method},
                                            {"path", Displayable(sample.path)},
                                            {"size", sample.size},
                                            {"received_at", FormatIso8601(sample.received_at)}});
    }
    co_return JsonResponse(
        200, boost::json::object{{"job", nullptr},
                                 {"total", count.total},
                                 {"only", ReplayOnlyName(job.only)},
                                 {"first_received_at", TimeOrNull(count.first_received_at)},
                                 {"last_received_at", TimeOrNull(count.last_received_at)},
                                 {"samples", std::move(samples)}});
  }
  const TimeMs now = request.services.clock.Now();
  job.id = NewId("job", now);
  job.status = ReplayStatus::running;
  job.total = count.total;
  job.created_at = now;
  job.started_at = now;
  co_await request.services.replays.Run([&](ReplayHistory& store) { store.InsertReplayJob(job); });
  request.services.replay_runner.Wake();
  co_return JsonResponse(201, boost::json::object{{"job", JobJson(job)}});
}

// The job, unless unknown in this org or past its retention (both read as 404).
boost::asio::awaitable<ReplayJob> LoadJob(ApiRequest& request) {
  const std::string& id = request.Param("id");
  auto job = co_await request.services.replays.Run(
      [&](ReplayHistory& store) { return store.GetReplayJob(request.principal.org_id, id); });
  if (!job || (job->expires_at && *job->expires_at <= request.services.clock.Now())) {
    throw ApiError::NotFound("replay job '" + id + "' does not exist");
  }
  co_return std::move(*job);
}

boost::asio::awaitable<HttpResponse> GetReplayJob(ApiRequest& request) {
  ReplayJob job = co_await LoadJob(request);
  co_return JsonResponse(200, JobJson(job));
}

boost::asio::awaitable<HttpResponse> ListReplayJobs(ApiRequest& request) {
  PageRequest page = ParsePageRequest(request);
  const TimeMs now = request.services.clock.Now();
  auto result = co_await request.services.replays.Run([&](ReplayHistory& store) {
    return store.ListReplayJobs(request.principal.org_id, now, page);
  });
  boost::json::array data;
  for (const ReplayJob& job : result.items) data.push_back(JobJson(job));
  co_return JsonListResponse(std::move(data), result.next);
}

// The job's deliveries, oldest first; ?outcome=regressed answers "what did my change break?".
boost::asio::awaitable<HttpResponse> ListReplayJobDeliveries(ApiRequest& request) {
  std::optional<ReplayOutcome> outcome;
  if (std::optional<std::string> text = request.Query("outcome")) {
    outcome = ParseReplayOutcome(*text);
    if (!outcome) {
      throw ApiError::BadRequest("'outcome' must be one of first, same, fixed, regressed");
    }
  }
  PageRequest page = ParsePageRequest(request);
  ReplayJob job = co_await LoadJob(request);
  auto result = co_await request.services.replays.Run([&](ReplayHistory& store) {
    return store.ListAttemptsOfJob(job.org_id, job.id, outcome, page);
  });
  boost::json::array data;
  for (const DeliveryAttempt& attempt : result.items) data.push_back(AttemptJson(attempt));
  co_return JsonListResponse(std::move(data), result.next);
}

boost::asio::awaitable<HttpResponse> CancelReplayJob(ApiRequest& request) {
  ReplayJob job = co_await LoadJob(request);
  const TimeMs now = request.services.clock.Now();
  const TimeMs expires_at = now + request.services.replay_runner.options().retention_ms;
  bool cancelled = co_await request.services.replays.Run([&](ReplayHistory& store) {
    return store.CancelReplayJob(job.org_id, job.id, now, expires_at);
  });
  if (!cancelled) {
    job = co_await LoadJob(request);
    throw ApiError::Conflict("replay job '" + job.id + "' has already ended (status " +
                             std::string(ReplayStatusName(job.status)) + ")");
  }
  request.services.replay_runner.Cancelled(job.id);
  job = co_await LoadJob(request);
  co_return JsonResponse(200, JobJson(job));
}

}  // namespace

void AddReplayJobRoutes(ApiRouter& router) {
  router.Add("POST", "/v1/replay", {Permission::write_resources, CreateReplayJob});
  router.Add("GET", "/v1/replay", {Permission::read, ListReplayJobs});
  router.Add("GET", "/v1/replay/{id}", {Permission::read, GetReplayJob});
  router.Add("GET", "/v1/replay/{id}/deliveries", {Permission::read, ListReplayJobDeliveries});
  router.Add("POST", "/v1/replay/{id}/cancel", {Permission::write_resources, CancelReplayJob});
}

}  // namespace rehook
