// Fuzzes the reading of JSON request bodies (api/request_parsing.h) the way each endpoint that
// takes a body uses it. The first input byte picks the endpoint, the rest is the body.
//
// The handlers read their bodies inside coroutines that also talk to the store, so they cannot
// run here without the whole server. Each Read* function below therefore repeats one handler's
// field reads: the same request_parsing calls, fields, limits and order, plus the pure checks it
// makes on the values (target URL form, webhook secret, role name, source capture rules). Keep them
// in step with the handlers in src/api/. Not covered: the "headers" object of destinations, which
// is validated by a function private to destinations_api.cpp.
//
// Properties:
// - A bad body is refused with ApiError 400 "bad_request" only (no other exception, so never a
//   500), and the message names one of the endpoint's fields or the request body itself.
// - What is accepted keeps the contracts of request_parsing.h: strings within their length
//   limits and required ones non-empty, integers within their ranges, times that format and parse
//   back to the same value (the API echoes them), and filters stored as JSON text that parses and
//   validates again (connections and replay jobs re-read it for routing and on every GET).

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

#include "api/request_parsing.h"
#include "capture/capture_rules.h"
#include "common/iso8601.h"
#include "delivery/target_url.h"
#include "delivery/webhook_signer.h"
#include "domain/replay.h"
#include "domain/role.h"
#include "filter/filter.h"
#include "fuzz_check.h"
#include "http/api_error.h"

namespace rehook {
namespace {

namespace json = boost::json;

// Checked wrappers: the request_parsing call, then its contract on what it returned.

void String(const json::object& body, std::string_view field, bool required,
            std::size_t max_length = 200) {
  std::optional<std::string> value;
  if (required) {
    value = RequiredString(body, field, max_length);
    FUZZ_CHECK(!value->empty(), std::string(field) + " is required but came back empty");
  } else {
    value = OptionalString(body, field, max_length);
  }
  FUZZ_CHECK(!value || value->size() <= max_length, std::string(field) + " is too long");
}

void Integer(const json::object& body, std::string_view field, std::int64_t min, std::int64_t max) {
  std::optional<std::int64_t> value = OptionalInteger(body, field, min, max);
  FUZZ_CHECK(!value || (*value >= min && *value <= max),
             std::string(field) + " = " + std::to_string(*value) + " is out of range");
}

void CheckTime(std::string_view field, TimeMs time) {
  const std::optional<TimeMs> again = ParseIso8601(FormatIso8601(time));
  FUZZ_CHECK(again && *again == time, std::string(field) + " = " + std::to_string(time) +
                                          " is echoed as " + FormatIso8601(time) +
                                          ", which does not parse back");
}

void Time(const json::object& body, std::string_view field, bool required) {
  if (required) {
    CheckTime(field, RequiredTime(body, field));
  } else if (std::optional<TimeMs> time = OptionalTime(body, field)) {
    CheckTime(field, *time);
  }
}

void FilterField(const json::object& body, std::string_view field) {
  std::optional<std::string> stored = OptionalFilter(body, field);
  if (!stored || stored->empty()) return;
  json::error_code ec;
  json::value reread = json::parse(*stored, ec);
  FUZZ_CHECK(!ec, "the stored filter is not JSON: " + *stored);
  try {
    Filter::Parse(reread);
  } catch (const FilterError& e) {
    FUZZ_CHECK(false, "the stored filter " + *stored + " is refused: " + e.what());
  }
  // Not compared digit for digit with what was sent: Boost.JSON 1.81 does not read every long
  // number to the nearest double (1.0555555555555555E57 reads as ...557E57), so a number may
  // move by one unit in the last place each time it is stored and read.
}

// CheckTargetUrl (api/target_checks.cpp) without the DNS part.
void TargetUrlField(const json::object& body, std::string_view field, bool require_https,
                    bool required) {
  std::optional<std::string> text =
      required ? RequiredString(body, field, 2048) : OptionalString(body, field, 2048);
  if (!text) return;
  auto parsed = ParseTargetUrl(*text, require_https, "'" + std::string(field) + "'");
  if (auto* error = std::get_if<std::string>(&parsed)) throw ApiError::BadRequest(*error);
}

// The endpoints' reads, in handler order.

// sources_api.cpp: ApplyCaptureRules. What is accepted is stored, and every capture of the
// source reads it back: it must parse again to the same rules.
void CaptureRuleFields(const json::object& body) {
  CaptureRules rules;
  try {
    ApplyCaptureRuleFields(body, rules);
  } catch (const SourceConfigError& error) {
    throw ApiError::BadRequest(error.what());
  }
  const std::string stored = CaptureRulesToConfigJson(rules);
  try {
    FUZZ_CHECK(CaptureRulesToConfigJson(ParseCaptureRules(stored)) == stored,
               "stored capture rules read back differently: " + stored);
  } catch (const SourceConfigError& error) {
    FUZZ_CHECK(false, "stored capture rules " + stored + " are refused: " + error.what());
  }
}

void ReadCreateSource(const json::object& body) {
  String(body, "name", true);
  CaptureRuleFields(body);
}

// PATCH of sources and destinations: a name, when given, must not be empty.
void OptionalName(const json::object& body) {
  if (auto name = OptionalString(body, "name"); name && name->empty()) {
    throw ApiError::BadRequest("'name' must not be empty");
  }
}

void ReadUpdateSource(const json::object& body) {
  OptionalName(body);
  CaptureRuleFields(body);
}

// destinations_api.cpp: ApplyOptionalFields, without "headers" (see the top of this file).
void ReadDestinationOptions(const json::object& body) {
  Integer(body, "timeout_ms", 100, 120000);
  OptionalBool(body, "enabled");
  if (auto secret = OptionalString(body, "secret", 200)) {
    if (!secret->empty() && !DecodeWebhookSecret(*secret)) {
      throw ApiError::BadRequest(
          "'secret' must be a Standard Webhooks secret: whsec_ followed by base64");
    }
  }
  if (auto it = body.find("rate_limit"); it != body.end() && !it->value().is_null()) {
    Integer(body, "rate_limit", 1, 10000);
  }
}

void ReadCreateDestination(const json::object& body) {
  String(body, "name", true);
  TargetUrlField(body, "url", false, true);
  ReadDestinationOptions(body);
}

void ReadUpdateDestination(const json::object& body) {
  OptionalName(body);
  TargetUrlField(body, "url", false, false);
  ReadDestinationOptions(body);
}

void ReadCreateConnection(const json::object& body) {
  String(body, "source_id", true);
  String(body, "destination_id", true);
  FilterField(body, "filter");
  OptionalBool(body, "enabled");
}

void ReadUpdateConnection(const json::object& body) {
  String(body, "destination_id", false);
  FilterField(body, "filter");
  OptionalBool(body, "enabled");
}

void ReadCreateReplayJob(const json::object& body) {
  String(body, "destination_id", true);
  Time(body, "from", true);
  Time(body, "to", true);
  if (RequiredTime(body, "from") >= RequiredTime(body, "to")) {
    throw ApiError::BadRequest("'from' must be earlier than 'to'");
  }
  String(body, "source_id", false);
  String(body, "connection_id", false);
  FilterField(body, "filter");
  Integer(body, "rate_limit", 1, 100);
  Integer(body, "max_events", 1, 10000);
  if (auto id_mode = OptionalString(body, "id_mode")) {
    if (!ParseReplayIdMode(*id_mode)) {
      throw ApiError::BadRequest("'id_mode' must be 'new' or 'original'");
    }
  }
}

void ReadReplayRequest(const json::object& body) {
  TargetUrlField(body, "target_url", true, true);
  Integer(body, "timeout_ms", 100, 120000);
}

void ReadCreateKey(const json::object& body) {
  String(body, "name", true);
  std::string role = RequiredString(body, "role");
  if (!ParseRole(role)) {
    throw ApiError::BadRequest(
        "'role' must be one of viewer, developer, admin, super_admin; got '" + role + "'");
  }
  String(body, "org_id", false);
}

void ReadCreateOrganization(const json::object& body) {
  String(body, "name", true);
  Integer(body, "retention_days", 1, 3650);
}

void ReadUpdateOrganization(const json::object& body) {
  OptionalName(body);
  Integer(body, "retention_days", 1, 3650);
}

void ReadLogin(const json::object& body) { String(body, "api_key", true, 200); }

struct Endpoint {
  std::string_view name;
  void (*read)(const json::object& body);
  std::initializer_list<std::string_view> fields;  // what its error messages may name
};

const std::array<Endpoint, 12> kEndpoints = {{
    {"POST /v1/sources", ReadCreateSource, {"name", "verification", "dedup"}},
    {"PATCH /v1/sources/{id}", ReadUpdateSource, {"name", "verification", "dedup"}},
    {"POST /v1/destinations",
     ReadCreateDestination,
     {"name", "url", "timeout_ms", "secret", "rate_limit", "enabled"}},
    {"PATCH /v1/destinations/{id}",
     ReadUpdateDestination,
     {"name", "url", "timeout_ms", "secret", "rate_limit", "enabled"}},
    {"POST /v1/connections",
     ReadCreateConnection,
     {"source_id", "destination_id", "filter", "enabled"}},
    {"PATCH /v1/connections/{id}", ReadUpdateConnection, {"destination_id", "filter", "enabled"}},
    {"POST /v1/replay",
     ReadCreateReplayJob,
     {"destination_id", "from", "to", "source_id", "connection_id", "filter", "rate_limit",
      "max_events", "id_mode"}},
    {"POST /v1/endpoints/{id}/requests/{requestId}/replay",
     ReadReplayRequest,
     {"target_url", "timeout_ms"}},
    {"POST /v1/api-keys", ReadCreateKey, {"name", "role", "org_id"}},
    {"POST /v1/orgs", ReadCreateOrganization, {"name", "retention_days"}},
    {"PATCH /v1/orgs/{id}", ReadUpdateOrganization, {"name", "retention_days"}},
    {"POST /v1/auth/login", ReadLogin, {"api_key"}},
}};

void CheckRefusal(const Endpoint& endpoint, const ApiError& error) {
  const std::string message = error.what();
  const std::string where = std::string(endpoint.name) + ": " + message;
  FUZZ_CHECK(error.status() == 400 && error.code() == "bad_request", where);
  bool names_field = message.starts_with("the request body");
  for (std::string_view field : endpoint.fields) {
    // 'field' itself, or one of its members: 'verification.secret'.
    names_field = names_field ||
                  message.find("'" + std::string(field) + "'") != std::string::npos ||
                  message.find("'" + std::string(field) + ".") != std::string::npos;
  }
  FUZZ_CHECK(names_field, "the error names no field: " + where);
}

}  // namespace
}  // namespace rehook

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const rehook::Endpoint& endpoint = rehook::kEndpoints[data[0] % rehook::kEndpoints.size()];
  rehook::HttpRequest request;
  request.method = "POST";
  request.body = std::string(rehook::fuzz::AsText(data + 1, size - 1));
  try {
    endpoint.read(rehook::ParseJsonObject(request));
  } catch (const rehook::ApiError& error) {
    rehook::CheckRefusal(endpoint, error);
  } catch (const std::exception& e) {
    FUZZ_CHECK(false, std::string(endpoint.name) + ": not an ApiError: " + e.what());
  }
  return 0;
}
