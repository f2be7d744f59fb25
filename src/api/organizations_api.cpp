// /v1/orgs: super admins create, list and change organizations (name, retention); every key can
// read its own (/v1/org).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/request_parsing.h"
#include "api/routes.h"
#include "common/ids.h"
#include "common/iso8601.h"
#include "http/api_error.h"
#include "http/json_response.h"

namespace rehook {
namespace {

boost::json::object OrganizationJson(const Organization& org) {
  boost::json::object json;
  json["id"] = org.id;
  json["name"] = org.name;
  json["retention_days"] = org.retention_days;
  json["created_at"] = FormatIso8601(org.created_at);
  return json;
}

boost::asio::awaitable<HttpResponse> CreateOrganization(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  Organization org;
  TimeMs now = request.services.clock.Now();
  org.id = NewId("org", now);
  org.name = RequiredString(body, "name");
  org.retention_days =
      static_cast<int>(OptionalInteger(body, "retention_days", 1, 3650).value_or(30));
  org.created_at = now;
  co_await request.services.tenancy.Run(
      [&](TenancyStore& store) { store.InsertOrganization(org); });
  co_return JsonResponse(201, OrganizationJson(org));
}

boost::asio::awaitable<HttpResponse> ListOrganizations(ApiRequest& request) {
  PageRequest page = ParsePageRequest(request);
  auto result = co_await request.services.tenancy.Run(
      [&](TenancyStore& store) { return store.ListOrganizations(page); });
  boost::json::array data;
  for (const auto& org : result.items) data.push_back(OrganizationJson(org));
  co_return JsonListResponse(std::move(data), result.next);
}

boost::asio::awaitable<HttpResponse> ShowOrganization(ApiRequest& request, const std::string& id) {
  auto org = co_await request.services.tenancy.Run(
      [&](TenancyStore& store) { return store.GetOrganization(id); });
  if (!org) throw ApiError::NotFound("organization '" + id + "' does not exist");
  co_return JsonResponse(200, OrganizationJson(*org));
}

boost::asio::awaitable<HttpResponse> GetOrganization(ApiRequest& request) {
  co_return co_await ShowOrganization(request, request.Param("id"));
}

// A shorter retention takes effect at the sweeper's next pass: older events are then erased.
boost::asio::awaitable<HttpResponse> UpdateOrganization(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  const std::string& id = request.Param("id");
  auto org = co_await request.services.tenancy.Run(
      [&](TenancyStore& store) { return store.GetOrganization(id); });
  if (!org) throw ApiError::NotFound("organization '" + id + "' does not exist");
  if (auto name = OptionalString(body, "name")) {
    if (name->empty()) throw ApiError::BadRequest("'name' must not be empty");
    org->name = *name;
  }
  if (auto days = OptionalInteger(body, "retention_days", 1, 3650)) {
    org->retention_days = static_cast<int>(*days);
  }
  bool updated = co_await request.services.tenancy.Run(
      [&](TenancyStore& store) { return store.UpdateOrganization(*org); });
  if (!updated) throw ApiError::NotFound("organization '" + id + "' does not exist");
  co_return JsonResponse(200, OrganizationJson(*org));
}

boost::asio::awaitable<HttpResponse> GetOwnOrganization(ApiRequest& request) {
  co_return co_await ShowOrganization(request, request.principal.org_id);
}

}  // namespace

void AddOrganizationRoutes(ApiRouter& router) {
  router.Add("POST", "/v1/orgs", {Permission::manage_orgs, CreateOrganization});
  router.Add("GET", "/v1/orgs", {Permission::manage_orgs, ListOrganizations});
  router.Add("GET", "/v1/orgs/{id}", {Permission::manage_orgs, GetOrganization});
  router.Add("PATCH", "/v1/orgs/{id}", {Permission::manage_orgs, UpdateOrganization});
  router.Add("GET", "/v1/org", {Permission::read, GetOwnOrganization});
}

}  // namespace rehook
