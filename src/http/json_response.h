#pragma once
// JSON responses and the error shape of API.md.

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <optional>

#include "common/cursor.h"

#include "http/api_error.h"
#include "http/http_types.h"

namespace rehook {

HttpResponse JsonResponse(int status, const boost::json::value& body);

// The list shape of API.md: {"data": [...], "next_cursor": "<opaque>" | null}.
HttpResponse JsonListResponse(boost::json::array data, const std::optional<Cursor>& next);

// {"error":{"code":...,"message":...}} with Retry-After when the error carries one.
HttpResponse ErrorResponse(const ApiError& error);

}  // namespace rehook
