#include "capture/dedup_rule.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "capture/source_config_fields.h"
#include "domain/header_fields.h"

namespace rehook {
namespace {

using source_config::Fail;
using source_config::IntegerField;
using source_config::StringField;

constexpr std::size_t kMaxHeaderNameLength = 256;
constexpr std::size_t kMaxJsonPathLength = 256;
// Longer keys are hashed like any other, but a key this long is not an id: most likely the path
// points at a whole object by mistake.
constexpr std::size_t kMaxKeyLength = 1024;

bool IsJsonPath(std::string_view path) {
  if (path.empty() || path.front() == '.' || path.back() == '.') return false;
  return path.find("..") == std::string_view::npos;
}

std::optional<std::string> KeyFromJson(std::string_view path, std::string_view body) {
  boost::system::error_code error;
  boost::json::value document = boost::json::parse(body, error);
  if (error) return std::nullopt;
  const boost::json::value* node = &document;
  while (!path.empty()) {
    std::size_t dot = path.find('.');
    std::string_view segment = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    const boost::json::object* object = node->if_object();
    if (!object) return std::nullopt;
    node = object->if_contains(segment);
    if (!node) return std::nullopt;
  }
  if (const auto* text = node->if_string()) return std::string(*text);
  // Numbers are keys too (some providers use numeric ids); their JSON text is the key.
  if (node->is_int64() || node->is_uint64() || node->is_double()) {
    return boost::json::serialize(*node);
  }
  return std::nullopt;
}

}  // namespace

DedupRule ParseDedupRule(const boost::json::value& json, std::string_view field) {
  const std::string base(field);
  const boost::json::object* object = json.if_object();
  if (!object) Fail(base, "'" + base + "' must be an object");

  DedupRule rule;
  const std::string header_path = base + ".header";
  const std::string json_path_path = base + ".json_path";
  std::optional<std::string> header = StringField(*object, "header", header_path);
  std::optional<std::string> json_path = StringField(*object, "json_path", json_path_path);
  if (header.has_value() == json_path.has_value()) {
    Fail(base, "'" + base + "' needs exactly one of 'header' and 'json_path'");
  }
  if (header) {
    if (header->size() > kMaxHeaderNameLength || !IsHeaderName(*header)) {
      Fail(header_path, "'" + header_path + "' must be a valid HTTP header name");
    }
    rule.header = std::move(*header);
  } else {
    if (json_path->size() > kMaxJsonPathLength || !IsJsonPath(*json_path)) {
      Fail(json_path_path,
           "'" + json_path_path + "' must be a dotted path of field names, e.g. 'data.object.id'");
    }
    rule.json_path = std::move(*json_path);
  }

  if (auto seconds = IntegerField(*object, "window_seconds", base + ".window_seconds", 1,
                                  kMaxDedupWindowSeconds)) {
    rule.window_seconds = *seconds;
  }
  return rule;
}

boost::json::object DedupRuleToJson(const DedupRule& rule) {
  boost::json::object json;
  if (!rule.header.empty()) {
    json["header"] = rule.header;
  } else {
    json["json_path"] = rule.json_path;
  }
  json["window_seconds"] = rule.window_seconds;
  return json;
}

std::optional<std::string> DedupKeyOf(const DedupRule& rule,
                                      const std::vector<HeaderField>& headers,
                                      std::string_view body) {
  std::optional<std::string> key;
  if (!rule.header.empty()) {
    if (auto value = FindHeader(headers, rule.header)) key = std::string(TrimWhitespace(*value));
  } else {
    key = KeyFromJson(rule.json_path, body);
  }
  if (!key || key->empty() || key->size() > kMaxKeyLength) return std::nullopt;
  return key;
}

}  // namespace rehook
