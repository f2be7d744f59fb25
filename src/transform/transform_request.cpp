#include "transform/transform_request.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/encoding.h"
#include "common/iso8601.h"
#include "domain/header_fields.h"
#include "filter/filter.h"

namespace rehook {
namespace {

namespace json = boost::json;

bool IsMethod(std::string_view method) {
  if (method.empty() || method.size() > 32) return false;
  for (char c : method) {
    if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && c != '-' && c != '_') return false;
  }
  return true;
}

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos || text.find('\0') != text.npos;
}

// Percent-encodes all but RFC 3986's unreserved characters.
std::string QueryEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

// A scalar as the text a header or query value carries.
std::optional<std::string> ScalarText(const json::value& value) {
  if (value.is_string()) return std::string(value.get_string());
  if (value.is_int64() || value.is_uint64() || value.is_double() || value.is_bool()) {
    return json::serialize(value);
  }
  return std::nullopt;
}

std::variant<std::string, std::string> EncodeQuery(const json::object& query) {
  std::string out;
  auto add = [&](std::string_view name, const json::value& value) -> bool {
    auto text = ScalarText(value);
    if (!text) return false;
    if (!out.empty()) out += '&';
    out += QueryEncode(name) + "=" + QueryEncode(*text);
    return true;
  };
  for (const auto& [name, value] : query) {
    bool ok = true;
    if (value.is_array()) {
      for (const json::value& element : value.get_array()) ok = ok && add(name, element);
    } else {
      ok = add(name, value);
    }
    if (!ok) {
      return std::variant<std::string, std::string>(
          std::in_place_index<1>,
          "query." + std::string(name) + " must be a string, a number or a list of them");
    }
  }
  return std::variant<std::string, std::string>(std::in_place_index<0>, std::move(out));
}

std::optional<std::string> ReadHeaders(const json::value& value, std::vector<HeaderField>& out) {
  if (!value.is_object()) return "headers must be an object of names and values";
  for (const auto& [name, field] : value.get_object()) {
    if (!IsHeaderName(name)) return "headers: \"" + std::string(name) + "\" is not a header name";
    std::vector<const json::value*> values;
    if (field.is_array()) {
      for (const json::value& element : field.get_array()) values.push_back(&element);
    } else if (!field.is_null()) {
      values.push_back(&field);
    }
    for (const json::value* element : values) {
      auto text = ScalarText(*element);
      if (!text || HasLineBreak(*text)) {
        return "headers." + std::string(name) +
               " must be a string (or a list of them) without line breaks";
      }
      out.push_back({std::string(name), std::move(*text)});
    }
  }
  return std::nullopt;
}

}  // namespace

std::string TransformInput(const Event& event) {
  json::object input = FilterInput(event);
  if (!event.body.empty() && !IsValidUtf8(event.body)) {
    input["body_base64"] = Base64Encode(event.body);
  }
  return json::serialize(input);
}

std::string TransformContextJson(const Event& event, const TransformContext& context) {
  json::object out;
  out["event_id"] = event.id;
  out["source_id"] = event.source_id;
  out["received_at"] = FormatIso8601(event.received_at);
  out["destination_id"] = context.destination_id;
  out["connection_id"] =
      context.connection_id.empty() ? json::value(nullptr) : json::value(context.connection_id);
  out["replay_job_id"] =
      context.replay_job_id.empty() ? json::value(nullptr) : json::value(context.replay_job_id);
  out["trigger"] = context.trigger;
  return json::serialize(out);
}

std::variant<TransformedRequest, std::string> ReadTransformed(const Event& original,
                                                              ScriptCall& call) {
  json::error_code ec;
  json::value parsed = json::parse(call.request_json, ec);
  if (ec || !parsed.is_object()) return std::string("transform returned something not a request");
  const json::object& returned = parsed.get_object();
  TransformedRequest request;

  request.method = original.method;
  if (const json::value* method = returned.if_contains("method")) {
    if (!method->is_string() || !IsMethod(method->get_string())) {
      return std::string("method must be an HTTP method such as \"POST\"");
    }
    request.method = std::string(method->get_string());
  }
  if (const json::value* path = returned.if_contains("path")) {
    if (!path->is_string() || !path->get_string().starts_with("/") ||
        HasLineBreak(path->get_string()) ||
        path->get_string().find_first_of(" ?#") != json::string::npos) {
      return std::string("path must be a string starting with \"/\" without spaces, ? or #");
    }
    if (path->get_string() != original.path) request.path = std::string(path->get_string());
  }
  if (const json::value* query = returned.if_contains("query")) {
    if (!query->is_object()) return std::string("query must be an object of names and values");
    auto encoded = EncodeQuery(query->get_object());
    if (encoded.index() == 1) return std::get<1>(encoded);
    if (query->get_object() != FilterInput(original)["query"].get_object()) {
      request.query = std::move(std::get<0>(encoded));
    }
  }
  if (const json::value* headers = returned.if_contains("headers")) {
    if (auto error = ReadHeaders(*headers, request.headers)) return *error;
  }
  std::string body;
  if (call.body) {
    body = std::move(*call.body);
    request.body_is_json = call.body_is_json;
  } else if (const json::value* base64 = returned.if_contains("body_base64");
             base64 != nullptr && !base64->is_null()) {
    std::optional<std::string> bytes;
    if (base64->is_string()) bytes = Base64Decode(base64->get_string());
    if (!bytes) return std::string("body_base64 must be base64 text");
    body = std::move(*bytes);
  }
  request.body = std::make_shared<const std::string>(std::move(body));
  return request;
}

json::object TransformedRequestJson(const Event& original, const TransformedRequest& request,
                                    std::size_t max_body_bytes) {
  json::object out;
  out["method"] = request.method;
  out["path"] = request.path.value_or(original.path);
  Event sent;  // the query the request will carry, as the object the script saw
  sent.query = request.query.value_or(original.query);
  out["query"] = FilterInput(sent)["query"];
  json::object headers;
  for (const HeaderField& field : request.headers) {
    if (json::value* existing = headers.if_contains(field.name)) {
      if (!existing->is_array()) *existing = json::array{*existing};
      existing->get_array().emplace_back(field.value);
    } else {
      headers.emplace(field.name, field.value);
    }
  }
  out["headers"] = std::move(headers);
  const std::string& body = *request.body;
  const bool truncated = body.size() > max_body_bytes;
  if (!truncated && request.body_is_json) {
    json::error_code ec;
    json::value parsed = json::parse(body, ec);
    if (!ec) {
      out["body"] = std::move(parsed);
      return out;
    }
  }
  std::string_view shown = Utf8Prefix(body, max_body_bytes);
  if (IsValidUtf8(shown)) {
    out["body"] = shown;
  } else {
    out["body"] = nullptr;
    out["body_base64"] = Base64Encode(shown);
  }
  if (truncated) out["body_truncated"] = true;
  return out;
}

}  // namespace rehook
