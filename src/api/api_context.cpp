#include "api/api_context.h"

#include "http/api_error.h"

namespace rehook {

const std::string& ApiRequest::Param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  throw ApiError::Internal("route has no parameter " + std::string(name));
}

std::optional<std::string> ApiRequest::Query(std::string_view name) {
  if (!query_) {
    query_ = ParseQueryString(http.query);
    if (!query_) throw ApiError::BadRequest("the query string is malformed (bad percent-encoding)");
  }
  for (const auto& [key, value] : *query_) {
    if (key == name) return value;
  }
  return std::nullopt;
}

}  // namespace rehook
