// /v1/sources (alias /v1/endpoints): where webhooks are captured.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/request_parsing.h"
#include "api/routes.h"
#include "capture/capture_rules.h"
#include "common/ids.h"
#include "common/iso8601.h"
#include "http/api_error.h"
#include "http/json_response.h"

namespace rehook {
namespace {

boost::json::object SourceJson(const Source& source, const ApiServices& services) {
  boost::json::object json;
  json["id"] = source.id;
  json["name"] = source.name;
  json["ingest_url"] = services.public_url + "/in/" + source.id;
  AddCaptureRulesJson(ParseCaptureRules(source.config_json), json);
  json["created_at"] = FormatIso8601(source.created_at);
  json["updated_at"] = FormatIso8601(source.updated_at);
  return json;
}

// ApplyCaptureRuleFields, with its errors answered as 400s.
void ApplyCaptureRules(const boost::json::object& body, CaptureRules& rules) {
  try {
    ApplyCaptureRuleFields(body, rules);
  } catch (const SourceConfigError& error) {
    throw ApiError::BadRequest(error.what());
  }
}

boost::asio::awaitable<Source> LoadSource(ApiRequest& request) {
  const std::string& id = request.Param("id");
  auto source = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.GetSource(request.principal.org_id, id); });
  if (!source) throw ApiError::NotFound("source '" + id + "' does not exist");
  co_return *source;
}

boost::asio::awaitable<HttpResponse> CreateSource(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  Source source;
  TimeMs now = request.services.clock.Now();
  source.id = NewId("src", now);
  source.org_id = request.principal.org_id;
  source.name = RequiredString(body, "name");
  CaptureRules rules;
  ApplyCaptureRules(body, rules);
  source.config_json = CaptureRulesToConfigJson(rules);
  source.created_at = now;
  source.updated_at = now;
  co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { store.InsertSource(source); });
  co_return JsonResponse(201, SourceJson(source, request.services));
}

boost::asio::awaitable<HttpResponse> ListSources(ApiRequest& request) {
  PageRequest page = ParsePageRequest(request);
  auto result = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.ListSources(request.principal.org_id, page); });
  boost::json::array data;
  for (const auto& source : result.items) data.push_back(SourceJson(source, request.services));
  co_return JsonListResponse(std::move(data), result.next);
}

boost::asio::awaitable<HttpResponse> GetSource(ApiRequest& request) {
  Source source = co_await LoadSource(request);
  co_return JsonResponse(200, SourceJson(source, request.services));
}

boost::asio::awaitable<HttpResponse> UpdateSource(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  Source source = co_await LoadSource(request);
  if (auto name = OptionalString(body, "name")) {
    if (name->empty()) throw ApiError::BadRequest("'name' must not be empty");
    source.name = *name;
  }
  CaptureRules rules = ParseCaptureRules(source.config_json);
  ApplyCaptureRules(body, rules);
  source.config_json = CaptureRulesToConfigJson(rules);
  source.updated_at = request.services.clock.Now();
  bool updated = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.UpdateSource(source); });
  if (!updated) throw ApiError::NotFound("source '" + source.id + "' does not exist");
  co_return JsonResponse(200, SourceJson(source, request.services));
}

boost::asio::awaitable<HttpResponse> DeleteSource(ApiRequest& request) {
  const std::string& id = request.Param("id");
  bool deleted = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.DeleteSource(request.principal.org_id, id); });
  if (!deleted) throw ApiError::NotFound("source '" + id + "' does not exist");
  co_return HttpResponse::NoContent();
}

}  // namespace

void AddSourceRoutes(ApiRouter& router) {
  for (std::string base : {"/v1/sources", "/v1/endpoints"}) {
    router.Add("POST", base, {Permission::write_resources, CreateSource});
    router.Add("GET", base, {Permission::read, ListSources});
    router.Add("GET", base + "/{id}", {Permission::read, GetSource});
    router.Add("PATCH", base + "/{id}", {Permission::write_resources, UpdateSource});
    router.Add("DELETE", base + "/{id}", {Permission::write_resources, DeleteSource});
  }
}

}  // namespace rehook
