#include "api/api_dispatcher.h"

#include "http/api_error.h"
#include "http/json_response.h"

namespace rehook {

ApiDispatcher::ApiDispatcher(ApiServices& services, Authenticator& authenticator,
                             RateLimiter& rate_limiter)
    : services_(services), authenticator_(authenticator), rate_limiter_(rate_limiter) {}

boost::asio::awaitable<HttpResponse> ApiDispatcher::Handle(HttpRequest& request) {
  auto match = router_.Find(request.method, request.path);
  const ApiRoute* route = match.payload;

  Principal principal;
  if (!route || route->requires_key) {
    principal = co_await authenticator_.Authenticate(request);
    if (auto retry_after = rate_limiter_.TryAcquire(principal.key_id)) {
      throw ApiError::RateLimited(
          "this API key is over its rate limit; retry in " + std::to_string(*retry_after) + " s",
          *retry_after);
    }
  }

  if (!route) {
    if (match.path_exists) {
      ApiError error(405, "method_not_allowed",
                     request.method + " is not allowed on " + request.path +
                         "; allowed: " + match.allowed_methods);
      HttpResponse response = ErrorResponse(error);
      response.SetHeader("Allow", match.allowed_methods);
      co_return response;
    }
    throw ApiError::NotFound("there is no API endpoint " + request.method + " " + request.path);
  }

  if (route->requires_key && !RoleAllows(principal.role, route->permission)) {
    throw ApiError::Forbidden("a key with role '" + std::string(RoleName(principal.role)) +
                              "' lacks the permission '" +
                              std::string(PermissionName(route->permission)) + "' this needs");
  }

  ApiRequest api_request(request, std::move(match.params), std::move(principal), services_);
  co_return co_await route->handler(api_request);
}

}  // namespace rehook
