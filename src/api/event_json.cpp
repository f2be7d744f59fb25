#include "api/event_json.h"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cctype>

#include "common/encoding.h"
#include "common/iso8601.h"
#include "http/http_types.h"

namespace rehook {

std::string Displayable(std::string_view bytes) {
  if (IsValidUtf8(bytes)) return std::string(bytes);
  std::string out;
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\xEF\xBF\xBD";
    }
  }
  return out;
}

namespace {

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

boost::json::object EventJson(const Event& event, bool with_body) {
  boost::json::object json;
  json["id"] = event.id;
  json["source_id"] = event.source_id;
  json["method"] = event.method;
  json["path"] = Displayable(event.path);
  json["query"] = Displayable(event.query);

  boost::json::object query_params;
  if (auto params = ParseQueryString(event.query)) {
    for (auto& [name, value] : *params) query_params[Displayable(name)] = Displayable(value);
  }
  json["query_params"] = std::move(query_params);

  boost::json::object headers;
  boost::json::array raw_headers;
  for (const auto& field : event.headers) {
    std::string name = Lowercase(Displayable(field.name));
    std::string value = Displayable(field.value);
    auto existing = headers.find(name);
    if (existing == headers.end()) {
      headers[name] = value;
    } else {
      std::string joined(existing->value().get_string());
      joined += ", ";
      joined += value;
      existing->value() = joined;
    }
    raw_headers.push_back(boost::json::object{{"name", Displayable(field.name)}, {"value", value}});
  }
  json["headers"] = std::move(headers);
  json["raw_headers"] = std::move(raw_headers);

  json["client_ip"] = event.client_ip;
  json["received_at"] = FormatIso8601(event.received_at);
  json["size"] = event.size;
  json["verified"] = event.verified;
  if (with_body) {
    if (IsValidUtf8(event.body)) {
      json["body"] = event.body;
    } else {
      json["body_base64"] = Base64Encode(event.body);
    }
  }
  return json;
}

boost::json::object AttemptJson(const DeliveryAttempt& attempt) {
  auto or_null = [](const auto& optional) -> boost::json::value {
    if (optional) return boost::json::value(*optional);
    return nullptr;
  };
  boost::json::object json;
  json["id"] = attempt.id;
  json["event_id"] = attempt.event_id;
  json["destination_id"] = attempt.destination_id;
  json["connection_id"] = or_null(attempt.connection_id);
  json["replay_job_id"] = or_null(attempt.replay_job_id);
  json["trigger"] = AttemptTriggerName(attempt.trigger);
  json["attempt"] = attempt.attempt;
  json["status_code"] = or_null(attempt.status_code);
  json["response_time_ms"] = or_null(attempt.response_time_ms);
  json["success"] = attempt.success;
  json["error"] =
      attempt.error.empty() ? boost::json::value(nullptr) : boost::json::value(attempt.error);
  json["next_retry_at"] =
      attempt.next_retry_at ? boost::json::value(FormatIso8601(*attempt.next_retry_at)) : nullptr;
  json["created_at"] = FormatIso8601(attempt.created_at);
  json["outcome"] = ReplayOutcomeJson(attempt.outcome);
  AddResponseBody(json, attempt.response_body);
  json["skipped"] = attempt.skipped;
  // The transformation that ran first, and what was sent after it.
  json["transformation"] = nullptr;
  if (attempt.transformation_id) {
    boost::json::object transformation;
    transformation["id"] = *attempt.transformation_id;
    transformation["duration_ms"] =
        static_cast<double>(attempt.transformation_us.value_or(0)) / 1000.0;
    transformation["sent"] = nullptr;
    if (!attempt.sent_request.empty()) {
      boost::json::error_code ec;
      boost::json::value sent = boost::json::parse(attempt.sent_request, ec);
      if (!ec) transformation["sent"] = std::move(sent);
    }
    json["transformation"] = std::move(transformation);
  }
  return json;
}

boost::json::value ReplayOutcomeJson(const std::optional<ReplayOutcome>& outcome) {
  if (!outcome) return nullptr;
  return boost::json::value(ReplayOutcomeName(*outcome));
}

void AddResponseBody(boost::json::object& json, std::string_view bytes) {
  std::string_view text = bytes;
  // A UTF-8 character is at most 4 bytes: the limit can cut off up to 3 of them.
  for (int cut = 0; cut < 3 && !text.empty() && !IsValidUtf8(text); ++cut) text.remove_suffix(1);
  if (IsValidUtf8(text)) {
    json["response_body"] = text;
  } else {
    json["response_body_base64"] = Base64Encode(bytes);
  }
}

}  // namespace rehook
