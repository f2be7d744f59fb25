#pragma once
// Works out who is calling a /v1 endpoint: an API key in X-API-Key or "Authorization: Bearer",
// or the dashboard's session cookie. Anything missing or invalid is a 401.

#include <boost/asio/awaitable.hpp>

#include "common/clock.h"
#include "domain/tenancy.h"
#include "http/http_types.h"
#include "store/roles/tenancy_store.h"
#include "store/store_executor.h"

namespace rehook {

inline constexpr const char* kSessionCookie = "rehook.session_token";

class Authenticator {
 public:
  Authenticator(StoreRole<TenancyStore> tenancy, const Clock& clock)
      : tenancy_(tenancy), clock_(clock) {}

  // The caller's identity; throws ApiError(401) when the request carries no valid credential.
  boost::asio::awaitable<Principal> Authenticate(const HttpRequest& request);

 private:
  StoreRole<TenancyStore> tenancy_;
  const Clock& clock_;
};

}  // namespace rehook
