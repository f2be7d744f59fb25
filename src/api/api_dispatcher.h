#pragma once
// The /v1 pipeline, in order: authenticate (401) -> per-key rate limit (429) -> route (404/405)
// -> permission (403) -> handler. Errors thrown anywhere become the JSON error shape in the
// server.

#include <boost/asio/awaitable.hpp>

#include "api/api_context.h"
#include "api/authenticator.h"
#include "http/rate_limiter.h"

namespace rehook {

class ApiDispatcher {
 public:
  ApiDispatcher(ApiServices& services, Authenticator& authenticator, RateLimiter& rate_limiter);

  ApiRouter& router() { return router_; }

  boost::asio::awaitable<HttpResponse> Handle(HttpRequest& request);

 private:
  ApiServices& services_;
  Authenticator& authenticator_;
  RateLimiter& rate_limiter_;
  ApiRouter router_;
};

}  // namespace rehook
