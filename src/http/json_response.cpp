#include "http/json_response.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace rehook {

HttpResponse JsonResponse(int status, const boost::json::value& body) {
  return HttpResponse::Text(status, "application/json", boost::json::serialize(body));
}

HttpResponse JsonListResponse(boost::json::array data, const std::optional<Cursor>& next) {
  boost::json::object body;
  body["data"] = std::move(data);
  body["next_cursor"] = next ? boost::json::value(EncodeCursor(*next)) : nullptr;
  return JsonResponse(200, body);
}

HttpResponse ErrorResponse(const ApiError& error) {
  boost::json::object detail;
  detail["code"] = error.code();
  detail["message"] = error.what();
  boost::json::object body;
  body["error"] = std::move(detail);
  HttpResponse response = JsonResponse(error.status(), body);
  if (error.retry_after_seconds()) {
    response.SetHeader("Retry-After", std::to_string(*error.retry_after_seconds()));
  }
  return response;
}

}  // namespace rehook
