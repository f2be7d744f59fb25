// /v1/api-keys: admins manage their organization's keys.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/request_parsing.h"
#include "api/routes.h"
#include "auth/secrets.h"
#include "common/ids.h"
#include "common/iso8601.h"
#include "http/api_error.h"
#include "http/json_response.h"

namespace rehook {
namespace {

boost::json::object KeyJson(const ApiKey& key) {
  boost::json::object json;
  json["id"] = key.id;
  json["name"] = key.name;
  json["role"] = RoleName(key.role);
  json["org_id"] = key.org_id;
  json["key_prefix"] = key.key_prefix;
  json["created_at"] = FormatIso8601(key.created_at);
  return json;
}

boost::asio::awaitable<HttpResponse> CreateKey(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  const Principal& caller = request.principal;

  ApiKey key;
  key.name = RequiredString(body, "name");
  std::string role_name = RequiredString(body, "role");
  auto role = ParseRole(role_name);
  if (!role) {
    throw ApiError::BadRequest(
        "'role' must be one of viewer, developer, admin, super_admin; got '" + role_name + "'");
  }
  if (*role > caller.role) {
    throw ApiError::Forbidden("a key with role '" + std::string(RoleName(caller.role)) +
                              "' cannot create a key with the higher role '" + role_name + "'");
  }
  key.role = *role;

  key.org_id = caller.org_id;
  if (auto org_id = OptionalString(body, "org_id"); org_id && *org_id != caller.org_id) {
    // Creating keys in another organization is part of managing organizations.
    if (!RoleAllows(caller.role, Permission::manage_orgs)) {
      throw ApiError::NotFound("organization '" + *org_id + "' does not exist");
    }
    auto org = co_await request.services.tenancy.Run(
        [&](TenancyStore& store) { return store.GetOrganization(*org_id); });
    if (!org) throw ApiError::NotFound("organization '" + *org_id + "' does not exist");
    key.org_id = *org_id;
  }

  TimeMs now = request.services.clock.Now();
  std::string secret = NewApiKeySecret();
  key.id = NewId("key", now);
  key.key_hash = HashSecret(secret);
  key.key_prefix = SecretPrefix(secret);
  key.created_at = now;
  co_await request.services.tenancy.Run([&](TenancyStore& store) { store.InsertApiKey(key); });

  boost::json::object json = KeyJson(key);
  json["key"] = secret;  // shown this once; only its hash is kept
  co_return JsonResponse(201, json);
}

boost::asio::awaitable<HttpResponse> ListKeys(ApiRequest& request) {
  PageRequest page = ParsePageRequest(request);
  auto result = co_await request.services.tenancy.Run(
      [&](TenancyStore& store) { return store.ListApiKeys(request.principal.org_id, page); });
  boost::json::array data;
  for (const auto& key : result.items) data.push_back(KeyJson(key));
  co_return JsonListResponse(std::move(data), result.next);
}

boost::asio::awaitable<ApiKey> LoadKey(ApiRequest& request) {
  const std::string& id = request.Param("id");
  auto key = co_await request.services.tenancy.Run(
      [&](TenancyStore& store) { return store.GetApiKey(request.principal.org_id, id); });
  if (!key) throw ApiError::NotFound("API key '" + id + "' does not exist");
  co_return *key;
}

boost::asio::awaitable<HttpResponse> GetKey(ApiRequest& request) {
  ApiKey key = co_await LoadKey(request);
  co_return JsonResponse(200, KeyJson(key));
}

boost::asio::awaitable<HttpResponse> DeleteKey(ApiRequest& request) {
  ApiKey key = co_await LoadKey(request);
  if (key.id == request.principal.key_id) {
    throw ApiError::Conflict("a key cannot delete itself; use another admin key");
  }
  if (key.role > request.principal.role) {
    throw ApiError::Forbidden("a key with role '" + std::string(RoleName(request.principal.role)) +
                              "' cannot delete a key with the higher role '" +
                              std::string(RoleName(key.role)) + "'");
  }
  bool deleted = co_await request.services.tenancy.Run(
      [&](TenancyStore& store) { return store.DeleteApiKey(key.org_id, key.id); });
  if (!deleted) throw ApiError::NotFound("API key '" + key.id + "' does not exist");
  co_return HttpResponse::NoContent();
}

}  // namespace

void AddApiKeyRoutes(ApiRouter& router) {
  router.Add("POST", "/v1/api-keys", {Permission::manage_keys, CreateKey});
  router.Add("GET", "/v1/api-keys", {Permission::manage_keys, ListKeys});
  router.Add("GET", "/v1/api-keys/{id}", {Permission::manage_keys, GetKey});
  router.Add("DELETE", "/v1/api-keys/{id}", {Permission::manage_keys, DeleteKey});
}

}  // namespace rehook
