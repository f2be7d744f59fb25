#include "api/request_parsing.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>

#include "common/iso8601.h"
#include "filter/filter.h"
#include "http/api_error.h"

namespace rehook {
namespace {

std::string Quoted(std::string_view field) { return "'" + std::string(field) + "'"; }

std::string TypeName(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

std::optional<TimeMs> ParseTimeText(std::string_view text, std::string_view field) {
  auto time = ParseIso8601(text);
  if (!time) {
    throw ApiError::BadRequest(Quoted(field) +
                               " must be an ISO 8601 timestamp with an offset, such as "
                               "2026-03-01T00:00:00Z or 2026-03-01T02:00:00+02:00");
  }
  return time;
}

}  // namespace

boost::json::object ParseJsonObject(const HttpRequest& request) {
  if (request.body.empty()) return {};
  boost::json::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::json::value value = boost::json::parse(request.body, ec, {}, options);
  if (ec) {
    throw ApiError::BadRequest("the request body is not valid JSON: " + ec.message());
  }
  if (!value.is_object()) {
    throw ApiError::BadRequest("the request body must be a JSON object, not " + TypeName(value));
  }
  return std::move(value.as_object());
}

std::optional<std::string> OptionalString(const boost::json::object& body, std::string_view field,
                                          std::size_t max_length) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) {
    throw ApiError::BadRequest(Quoted(field) + " must be a string, not " + TypeName(it->value()));
  }
  const auto& text = it->value().get_string();
  if (text.size() > max_length) {
    throw ApiError::BadRequest(Quoted(field) + " must be at most " + std::to_string(max_length) +
                               " characters");
  }
  // Valid JSON ("\u0000"), but no use in a name or URL, and PostgreSQL's text type cannot
  // hold it: refused the same way on both stores.
  if (text.find('\0') != boost::json::string::npos) {
    throw ApiError::BadRequest(Quoted(field) + " must not contain NUL characters");
  }
  return std::string(text);
}

std::string RequiredString(const boost::json::object& body, std::string_view field,
                           std::size_t max_length) {
  auto value = OptionalString(body, field, max_length);
  if (!value) throw ApiError::BadRequest(Quoted(field) + " is required");
  if (value->empty()) throw ApiError::BadRequest(Quoted(field) + " must not be empty");
  return *value;
}

std::optional<std::int64_t> OptionalInteger(const boost::json::object& body, std::string_view field,
                                            std::int64_t min, std::int64_t max) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return std::nullopt;
  const auto& value = it->value();
  std::string range = " between " + std::to_string(min) + " and " + std::to_string(max);
  std::optional<std::int64_t> number;
  if (value.is_int64()) {
    number = value.get_int64();
  } else if (value.is_uint64()) {
    throw ApiError::BadRequest(Quoted(field) + " must be an integer" + range);
  } else if (value.is_double()) {
    double d = value.get_double();
    if (std::floor(d) != d || d < -9e15 || d > 9e15) {
      throw ApiError::BadRequest(Quoted(field) + " must be an integer" + range);
    }
    number = static_cast<std::int64_t>(d);
  } else {
    throw ApiError::BadRequest(Quoted(field) + " must be an integer, not " + TypeName(value));
  }
  if (*number < min || *number > max) {
    throw ApiError::BadRequest(Quoted(field) + " must be" + range + ", got " +
                               std::to_string(*number));
  }
  return number;
}

std::optional<bool> OptionalBool(const boost::json::object& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_bool()) {
    throw ApiError::BadRequest(Quoted(field) + " must be true or false, not " +
                               TypeName(it->value()));
  }
  return it->value().get_bool();
}

std::optional<TimeMs> OptionalTime(const boost::json::object& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) {
    throw ApiError::BadRequest(Quoted(field) + " must be an ISO 8601 timestamp string, not " +
                               TypeName(it->value()));
  }
  const auto& text = it->value().get_string();
  return ParseTimeText(std::string_view(text.data(), text.size()), field);
}

TimeMs RequiredTime(const boost::json::object& body, std::string_view field) {
  auto time = OptionalTime(body, field);
  if (!time) throw ApiError::BadRequest(Quoted(field) + " is required");
  return *time;
}

PageRequest ParsePageRequest(ApiRequest& request) {
  PageRequest page;
  if (auto limit = request.Query("limit")) {
    int value = 0;
    auto [end, error] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (error != std::errc{} || end != limit->data() + limit->size() || value < 1 || value > 250) {
      throw ApiError::BadRequest("'limit' must be an integer between 1 and 250");
    }
    page.limit = value;
  }
  if (auto cursor = request.Query("cursor")) {
    if (!cursor->empty()) {
      page.after = DecodeCursor(*cursor);
      if (!page.after) {
        throw ApiError::BadRequest("'cursor' is not a cursor this API returned");
      }
    }
  }
  return page;
}

std::optional<TimeMs> ParseTimeQuery(ApiRequest& request, std::string_view name) {
  auto text = request.Query(name);
  if (!text) return std::nullopt;
  return ParseTimeText(*text, name);
}

std::optional<std::string> OptionalFilter(const boost::json::object& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end()) return std::nullopt;
  if (it->value().is_null()) return std::string();
  try {
    Filter::Parse(it->value());
  } catch (const FilterError& e) {
    throw ApiError::BadRequest("'" + std::string(field) + "' is invalid: " + e.what());
  }
  if (it->value().as_object().empty()) return std::string();
  return boost::json::serialize(it->value());
}

std::optional<Filter> ParseFilterQuery(ApiRequest& request, std::string_view name) {
  std::optional<std::string> text = request.Query(name);
  if (!text || text->empty()) return std::nullopt;
  const std::string field(name);
  boost::json::error_code error;
  boost::json::value spec = boost::json::parse(*text, error);
  if (error) throw ApiError::BadRequest("'" + field + "' is not valid JSON: " + error.message());
  try {
    return Filter::Parse(spec);
  } catch (const FilterError& e) {
    throw ApiError::BadRequest("'" + field + "' is invalid: " + e.what());
  }
}

}  // namespace rehook
