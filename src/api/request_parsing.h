#pragma once
// Reading API input with errors that name the field: JSON bodies, typed fields, list paging and
// time parameters. Every function throws ApiError(400) with a sentence a user can act on.

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/api_context.h"
#include "filter/filter.h"

namespace rehook {

// The body as a JSON object; an empty body counts as {}.
boost::json::object ParseJsonObject(const HttpRequest& request);

std::optional<std::string> OptionalString(const boost::json::object& body, std::string_view field,
                                          std::size_t max_length = 200);
std::string RequiredString(const boost::json::object& body, std::string_view field,
                           std::size_t max_length = 200);
// Integers (an integral float such as 10.0 counts), checked against [min, max].
std::optional<std::int64_t> OptionalInteger(const boost::json::object& body, std::string_view field,
                                            std::int64_t min, std::int64_t max);
std::optional<bool> OptionalBool(const boost::json::object& body, std::string_view field);
// ISO 8601 timestamps with an offset.
std::optional<TimeMs> OptionalTime(const boost::json::object& body, std::string_view field);
TimeMs RequiredTime(const boost::json::object& body, std::string_view field);

// A filter field: validated (400 naming the operator), stored as given. Returns "" for null or
// {} (no filter), nullopt when the field is absent.
std::optional<std::string> OptionalFilter(const boost::json::object& body, std::string_view field);

// ?limit= (1-250, default 50) and ?cursor=.
PageRequest ParsePageRequest(ApiRequest& request);
// A time query parameter such as ?from=.
std::optional<TimeMs> ParseTimeQuery(ApiRequest& request, std::string_view name);
// A filter query parameter (URL-encoded JSON in the filter language); nullopt when absent or "".
std::optional<Filter> ParseFilterQuery(ApiRequest& request, std::string_view name);

}  // namespace rehook
