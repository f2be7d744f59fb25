#include "api/authenticator.h"

#include "auth/secrets.h"
#include "http/api_error.h"
#include "http/cross_origin_guard.h"

namespace rehook {
namespace {

Principal ToPrincipal(const ApiKey& key) { return Principal{key.id, key.org_id, key.role}; }

// The key from X-API-Key or a Bearer Authorization header; empty when neither is present.
std::string PresentedKey(const HttpRequest& request) {
  if (auto key = request.Header("X-API-Key")) {
    if (key->empty()) throw ApiError::Unauthorized("the X-API-Key header is empty");
    return std::string(*key);
  }
  if (auto authorization = request.Header("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization->size() <= kBearer.size() ||
        !EqualsIgnoreCase(authorization->substr(0, kBearer.size()), kBearer)) {
      throw ApiError::Unauthorized("the Authorization header must be 'Bearer <api key>'");
    }
    return std::string(authorization->substr(kBearer.size()));
  }
  return {};
}

}  // namespace

boost::asio::awaitable<Principal> Authenticator::Authenticate(const HttpRequest& request) {
  std::string key = PresentedKey(request);
  if (!key.empty()) {
    std::string hash = HashSecret(key);
    auto found =
        co_await tenancy_.Run([&](TenancyStore& store) { return store.FindApiKeyByHash(hash); });
    if (!found) throw ApiError::Unauthorized("the API key is not valid");
    co_return ToPrincipal(*found);
  }
  if (auto token = request.Cookie(kSessionCookie)) {
    RefuseCrossOriginWrite(request);  // the browser attaches the cookie whoever asks (CSRF)
    std::string hash = HashSecret(*token);
    TimeMs now = clock_.Now();
    auto found =
        co_await tenancy_.Run([&](TenancyStore& store) { return store.FindSessionKey(hash, now); });
    if (!found)
      throw ApiError::Unauthorized("the session has expired or is not valid; sign in again");
    co_return ToPrincipal(*found);
  }
  throw ApiError::Unauthorized(
      "an API key is required: send it in the X-API-Key header or as 'Authorization: Bearer "
      "<key>'");
}

}  // namespace rehook
