// /v1/destinations: where events are delivered.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cctype>

#include "api/request_parsing.h"
#include "api/routes.h"
#include "api/target_checks.h"
#include "common/ids.h"
#include "common/iso8601.h"
#include "delivery/outbound_headers.h"
#include "delivery/webhook_signer.h"
#include "http/api_error.h"
#include "http/json_response.h"

namespace rehook {
namespace {

boost::json::value TimeOrNull(TimeMs time) {
  return time ? boost::json::value(FormatIso8601(time)) : nullptr;
}

// A destination's own retry policy; null when the server's schedule applies.
boost::json::value RetryJson(const std::optional<RetryPolicy>& policy) {
  if (!policy) return nullptr;
  return boost::json::object{{"attempts", policy->attempts},
                             {"backoff", RetryBackoffName(policy->backoff)},
                             {"interval_ms", policy->interval_ms}};
}

// "retry": {"attempts": 1-20, "backoff": "exponential"|"linear", "interval_ms": >= 100}; every
// field optional (defaults: 6, exponential, 30000); null returns to the server's schedule.
std::optional<RetryPolicy> ParseRetryPolicy(const boost::json::value& value) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_object()) {
    throw ApiError::BadRequest(
        "'retry' must be an object {\"attempts\", \"backoff\", \"interval_ms\"} or null");
  }
  const boost::json::object& fields = value.as_object();
  for (const auto& [key, field] : fields) {
    if (key != "attempts" && key != "backoff" && key != "interval_ms") {
      throw ApiError::BadRequest("'retry." + std::string(key) +
                                 "' is not a retry setting (attempts, backoff, interval_ms)");
    }
  }
  RetryPolicy policy;
  try {
    if (auto attempts = OptionalInteger(fields, "attempts", RetryPolicy::kMinAttempts,
                                        RetryPolicy::kMaxAttempts)) {
      policy.attempts = static_cast<int>(*attempts);
    }
    if (auto interval = OptionalInteger(fields, "interval_ms", RetryPolicy::kMinIntervalMs,
                                        RetryPolicy::kMaxIntervalMs)) {
      policy.interval_ms = *interval;
    }
    if (auto backoff = OptionalString(fields, "backoff")) {
      auto parsed = ParseRetryBackoff(*backoff);
      if (!parsed) throw ApiError::BadRequest("'backoff' must be 'exponential' or 'linear'");
      policy.backoff = *parsed;
    }
  } catch (const ApiError& error) {
    // The checks name the inner field; the caller knows it as part of 'retry'.
    throw ApiError::BadRequest("'retry." + std::string(error.what()).substr(1));
  }
  return policy;
}

// What a destination header's value reads as for a key that may not change the destination.
constexpr std::string_view kMaskedHeaderValue = "********";
constexpr double kHourMs = 3'600'000;

// `principal`: who asks. Header values are credentials more often than not (Authorization, an
// API key): only roles that may change the destination see them; the others see the names.
boost::json::object DestinationJson(const Destination& destination, CircuitBreakers& breakers,
                                    const Principal& principal) {
  const bool may_see_headers = RoleAllows(principal.role, Permission::write_resources);
  boost::json::object json;
  json["id"] = destination.id;
  json["name"] = destination.name;
  json["url"] = destination.url;
  json["timeout_ms"] = destination.timeout_ms;
  boost::json::object headers;
  for (const auto& field : destination.headers) {
    headers[field.name] = may_see_headers ? std::string_view(field.value) : kMaskedHeaderValue;
  }
  json["headers"] = std::move(headers);
  json["rate_limit"] =
      destination.rate_limit ? boost::json::value(*destination.rate_limit) : nullptr;
  json["has_secret"] = !destination.secret.empty();
  json["enabled"] = destination.enabled;
  json["retry"] = RetryJson(destination.retry);
  json["disable_after_hours"] =
      destination.disable_after_ms
          ? boost::json::value(static_cast<double>(*destination.disable_after_ms) / kHourMs)
          : nullptr;
  json["failing_since"] = TimeOrNull(destination.failing_since.value_or(0));
  CircuitSnapshot circuit = breakers.Snapshot(destination.id);
  json["circuit"] = boost::json::object{{"state", CircuitStateName(circuit.state)},
                                        {"failures", circuit.consecutive_failures},
                                        {"opened_at", TimeOrNull(circuit.opened_at)},
                                        {"retry_at", TimeOrNull(circuit.retry_at)}};
  json["created_at"] = FormatIso8601(destination.created_at);
  json["updated_at"] = FormatIso8601(destination.updated_at);
  return json;
}

bool IsToken(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) &&
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

std::vector<HeaderField> ParseHeaders(const boost::json::value& value) {
  if (!value.is_object()) throw ApiError::BadRequest("'headers' must be an object of name: value");
  std::vector<HeaderField> headers;
  for (const auto& [key, field] : value.as_object()) {
    std::string name(key);
    std::string where = "'headers." + name + "'";
    if (!IsToken(name)) throw ApiError::BadRequest(where + " is not a valid header name");
    if (IsProxyOrHopHeader(name)) {
      throw ApiError::BadRequest(where + " is set by rehook itself and cannot be configured");
    }
    if (!field.is_string()) throw ApiError::BadRequest(where + " must be a string");
    std::string text(field.get_string());
    for (unsigned char c : text) {
      if (c < 0x20 && c != '\t')
        throw ApiError::BadRequest(where + " contains a control character");
    }
    headers.push_back({std::move(name), std::move(text)});
  }
  if (headers.size() > 50) throw ApiError::BadRequest("'headers' may hold at most 50 headers");
  return headers;
}

// "disable_after_hours": a number of hours (fractions too: 0.5 is half an hour), from a second
// to a year; null turns auto-disable off.
std::optional<TimeMs> ParseDisableAfter(const boost::json::value& value) {
  if (value.is_null()) return std::nullopt;
  const char* error =
      "'disable_after_hours' must be a number of hours from 0.0003 (about a second) to 8760 (a "
      "year), or null to never disable";
  if (!value.is_number()) throw ApiError::BadRequest(error);
  const double hours = value.to_number<double>();
  if (!(hours * kHourMs >= 1000) || hours > 8760) throw ApiError::BadRequest(error);
  return static_cast<TimeMs>(hours * kHourMs);
}

// Applies the optional fields of a create or update body to `destination`.
void ApplyOptionalFields(const boost::json::object& body, Destination& destination) {
  if (auto timeout = OptionalInteger(body, "timeout_ms", 100, 120000)) {
    destination.timeout_ms = static_cast<int>(*timeout);
  }
  if (auto it = body.find("headers"); it != body.end() && !it->value().is_null()) {
    destination.headers = ParseHeaders(it->value());
  }
  if (auto secret = OptionalString(body, "secret", 200)) {
    if (!secret->empty() && !DecodeWebhookSecret(*secret)) {
      throw ApiError::BadRequest(
          "'secret' must be a Standard Webhooks secret: whsec_ followed by base64");
    }
    destination.secret = *secret;
  }
  if (auto enabled = OptionalBool(body, "enabled")) destination.enabled = *enabled;
  if (auto it = body.find("retry"); it != body.end()) {
    destination.retry = ParseRetryPolicy(it->value());
  }
  if (auto it = body.find("disable_after_hours"); it != body.end()) {
    destination.disable_after_ms = ParseDisableAfter(it->value());
  }
  if (auto it = body.find("rate_limit"); it != body.end()) {
    if (it->value().is_null()) {
      destination.rate_limit.reset();
    } else {
      destination.rate_limit = static_cast<int>(*OptionalInteger(body, "rate_limit", 1, 10000));
    }
  }
}

boost::asio::awaitable<Destination> LoadDestination(ApiRequest& request) {
  const std::string& id = request.Param("id");
  auto destination = co_await request.services.configuration.Run([&](ConfigurationStore& store) {
    return store.GetDestination(request.principal.org_id, id);
  });
  if (!destination) throw ApiError::NotFound("destination '" + id + "' does not exist");
  co_return *destination;
}

boost::asio::awaitable<HttpResponse> CreateDestination(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  TimeMs now = request.services.clock.Now();
  Destination destination;
  destination.id = NewId("dst", now);
  destination.org_id = request.principal.org_id;
  destination.name = RequiredString(body, "name");
  destination.url = RequiredString(body, "url", 2048);
  co_await CheckTargetUrl(request, destination.url, "url", false);
  ApplyOptionalFields(body, destination);
  destination.created_at = now;
  destination.updated_at = now;
  co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { store.InsertDestination(destination); });
  co_return JsonResponse(
      201, DestinationJson(destination, request.services.breakers, request.principal));
}

boost::asio::awaitable<HttpResponse> ListDestinations(ApiRequest& request) {
  PageRequest page = ParsePageRequest(request);
  auto result = co_await request.services.configuration.Run([&](ConfigurationStore& store) {
    return store.ListDestinations(request.principal.org_id, page);
  });
  boost::json::array data;
  for (const auto& destination : result.items) {
    data.push_back(DestinationJson(destination, request.services.breakers, request.principal));
  }
  co_return JsonListResponse(std::move(data), result.next);
}

boost::asio::awaitable<HttpResponse> GetDestination(ApiRequest& request) {
  Destination destination = co_await LoadDestination(request);
  co_return JsonResponse(
      200, DestinationJson(destination, request.services.breakers, request.principal));
}

boost::asio::awaitable<HttpResponse> UpdateDestination(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  Destination destination = co_await LoadDestination(request);
  if (auto name = OptionalString(body, "name")) {
    if (name->empty()) throw ApiError::BadRequest("'name' must not be empty");
    destination.name = *name;
  }
  if (auto url = OptionalString(body, "url", 2048)) {
    co_await CheckTargetUrl(request, *url, "url", false);
    destination.url = *url;
  }
  ApplyOptionalFields(body, destination);
  destination.updated_at = request.services.clock.Now();
  bool updated = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.UpdateDestination(destination); });
  if (!updated) throw ApiError::NotFound("destination '" + destination.id + "' does not exist");
  co_return JsonResponse(
      200, DestinationJson(destination, request.services.breakers, request.principal));
}

boost::asio::awaitable<HttpResponse> DeleteDestination(ApiRequest& request) {
  const std::string& id = request.Param("id");
  bool deleted = co_await request.services.configuration.Run([&](ConfigurationStore& store) {
    return store.DeleteDestination(request.principal.org_id, id);
  });
  if (!deleted) throw ApiError::NotFound("destination '" + id + "' does not exist");
  request.services.breakers.Forget(id);
  co_return HttpResponse::NoContent();
}

}  // namespace

void AddDestinationRoutes(ApiRouter& router) {
  router.Add("POST", "/v1/destinations", {Permission::write_resources, CreateDestination});
  router.Add("GET", "/v1/destinations", {Permission::read, ListDestinations});
  router.Add("GET", "/v1/destinations/{id}", {Permission::read, GetDestination});
  router.Add("PATCH", "/v1/destinations/{id}", {Permission::write_resources, UpdateDestination});
  router.Add("DELETE", "/v1/destinations/{id}", {Permission::write_resources, DeleteDestination});
}

}  // namespace rehook
