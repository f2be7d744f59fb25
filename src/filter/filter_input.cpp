// Builds the match input of a captured event (see FilterInput in filter.h).

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include <string>
#include <string_view>

#include "common/encoding.h"
#include "common/query_string.h"
#include "filter/filter.h"

namespace rehook {
namespace {

// Same bound as API request bodies: deep enough for real payloads, and deeper bodies fall back
// to the raw text rather than failing.
constexpr std::size_t kMaxBodyDepth = 64;

// JSON strings must be UTF-8; header values and decoded query bytes may not be. Invalid bytes
// become U+FFFD, as in the events API, so the input stays serializable.
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

std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

boost::json::object HeadersObject(const std::vector<HeaderField>& fields) {
  boost::json::object headers;
  for (const HeaderField& field : fields) {
    std::string name = Displayable(Lowercase(field.name));
    std::string value = Displayable(field.value);
    if (boost::json::value* existing = headers.if_contains(name)) {
      // RFC 9110 §5.3: repeated fields are equivalent to one field with the values joined.
      boost::json::string& joined = existing->get_string();
      joined.append(", ");
      joined.append(value);
    } else {
      headers.emplace(name, value);
    }
  }
  return headers;
}

boost::json::object QueryObject(std::string_view raw_query) {
  boost::json::object query;
  auto params = ParseQueryString(raw_query);
  if (!params) return query;
  for (const auto& [raw_name, raw_value] : *params) {
    std::string name = Displayable(raw_name);
    std::string value = Displayable(raw_value);
    boost::json::value* existing = query.if_contains(name);
    if (existing == nullptr) {
      query.emplace(name, value);
    } else if (existing->is_array()) {
      existing->get_array().emplace_back(value);
    } else {
      *existing = boost::json::array{existing->get_string(), boost::json::value(value)};
    }
  }
  return query;
}

boost::json::value BodyValue(const std::string& body) {
  if (body.empty() || !IsValidUtf8(body)) return nullptr;
  boost::json::parse_options options;
  options.max_depth = kMaxBodyDepth;
  boost::json::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec, {}, options);
  if (!ec) return parsed;
  return boost::json::value(body);
}

}  // namespace

boost::json::object FilterInput(const Event& event) {
  boost::json::object input;
  input["method"] = Displayable(event.method);
  input["path"] = Displayable(event.path);
  input["query"] = QueryObject(event.query);
  input["headers"] = HeadersObject(event.headers);
  input["body"] = BodyValue(event.body);
  return input;
}

}  // namespace rehook
