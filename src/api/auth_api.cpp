// /v1/auth: dashboard sign-in with an API key (session cookie), sign-out, and "who am I".
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/authenticator.h"
#include "api/request_parsing.h"
#include "api/routes.h"
#include "auth/secrets.h"
#include "common/iso8601.h"
#include "http/api_error.h"
#include "http/cross_origin_guard.h"
#include "http/json_response.h"

namespace rehook {
namespace {

boost::json::object PrincipalJson(const Principal& principal) {
  boost::json::object json;
  json["key_id"] = principal.key_id;
  json["org_id"] = principal.org_id;
  json["role"] = RoleName(principal.role);
  boost::json::array permissions;
  for (Permission permission :
       {Permission::read, Permission::replay_request, Permission::write_resources,
        Permission::manage_keys, Permission::manage_orgs}) {
    if (RoleAllows(principal.role, permission))
      permissions.push_back(boost::json::string(PermissionName(permission)));
  }
  json["permissions"] = std::move(permissions);
  return json;
}

// SameSite=Strict: the dashboard's page needs no cookie to load, only its own requests do, so
// no request started by another site needs to carry it (see http/cross_origin_guard.h).
// Secure when rehook is reached over HTTPS: the browser then never sends it in clear text.
std::string SessionCookie(const std::string& value, TimeMs max_age_ms, bool secure) {
  return std::string(kSessionCookie) + "=" + value +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_ms / 1000) +
         (secure ? "; Secure" : "");
}

// Sign-in is outside the per-key API limit (there is no key yet), so it has its own: per client
// address, and per key tried, so neither one address nor many can hammer it.
void LimitSignIns(RateLimiter& limiter, const std::string& client_ip, const std::string& key_hash) {
  for (const std::string& bucket : {"ip:" + client_ip, "key:" + key_hash}) {
    if (auto retry_after = limiter.TryAcquire(bucket)) {
      throw ApiError::RateLimited(
          "too many sign-in attempts; retry in " + std::to_string(*retry_after) + " s",
          *retry_after);
    }
  }
}

boost::asio::awaitable<HttpResponse> Login(ApiRequest& request) {
  // Another site must not sign the browser in with a key of its choosing (login CSRF).
  RefuseCrossOriginWrite(request.http);
  auto body = ParseJsonObject(request.http);
  std::string secret = RequiredString(body, "api_key", 200);
  std::string key_hash = HashSecret(secret);
  LimitSignIns(request.services.login_limiter, request.http.client_ip, key_hash);
  auto key = co_await request.services.tenancy.Run(
      [&](TenancyStore& store) { return store.FindApiKeyByHash(key_hash); });
  if (!key) throw ApiError::Unauthorized("'api_key' is not a valid API key");

  const SessionPolicy& policy = request.services.sessions;
  TimeMs now = request.services.clock.Now();
  std::string token = NewSessionToken();
  Session session{HashSecret(token), key->id, now, now + policy.ttl_ms};
  co_await request.services.tenancy.Run(
      [&](TenancyStore& store) { store.InsertSession(session, policy.max_live_per_key); });

  boost::json::object json = PrincipalJson(Principal{key->id, key->org_id, key->role});
  json["expires_at"] = FormatIso8601(session.expires_at);
  HttpResponse response = JsonResponse(200, json);
  response.SetHeader("Set-Cookie", SessionCookie(token, policy.ttl_ms, policy.secure_cookie));
  co_return response;
}

boost::asio::awaitable<HttpResponse> Logout(ApiRequest& request) {
  if (auto token = request.http.Cookie(kSessionCookie)) {
    std::string hash = HashSecret(*token);
    co_await request.services.tenancy.Run([&](TenancyStore& store) { store.DeleteSession(hash); });
  }
  HttpResponse response = HttpResponse::NoContent();
  response.SetHeader("Set-Cookie", SessionCookie("", 0, request.services.sessions.secure_cookie));
  co_return response;
}

boost::asio::awaitable<HttpResponse> WhoAmI(ApiRequest& request) {
  co_return JsonResponse(200, PrincipalJson(request.principal));
}

}  // namespace

void AddAuthRoutes(ApiRouter& router) {
  router.Add("POST", "/v1/auth/login", {Permission::read, Login, /*requires_key=*/false});
  router.Add("POST", "/v1/auth/logout", {Permission::read, Logout});
  router.Add("GET", "/v1/auth/me", {Permission::read, WhoAmI});
}

}  // namespace rehook
