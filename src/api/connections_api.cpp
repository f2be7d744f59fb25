// /v1/connections: which source's events go to which destination, through which filter.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/request_parsing.h"
#include "api/routes.h"
#include "common/ids.h"
#include "common/iso8601.h"
#include "filter/filter.h"
#include "http/api_error.h"
#include "http/json_response.h"

namespace rehook {
namespace {

boost::json::object ConnectionJson(const Connection& connection) {
  boost::json::object json;
  json["id"] = connection.id;
  json["source_id"] = connection.source_id;
  json["destination_id"] = connection.destination_id;
  json["filter"] = connection.filter_json.empty() ? boost::json::value(nullptr)
                                                  : boost::json::parse(connection.filter_json);
  json["transformation_id"] = connection.transformation_id.empty()
                                  ? boost::json::value(nullptr)
                                  : boost::json::value(connection.transformation_id);
  json["enabled"] = connection.enabled;
  json["created_at"] = FormatIso8601(connection.created_at);
  json["updated_at"] = FormatIso8601(connection.updated_at);
  return json;
}

boost::asio::awaitable<void> RequireOwned(ApiRequest& request, const std::string& field,
                                          const std::string& id) {
  const std::string& org = request.principal.org_id;
  bool exists = co_await request.services.configuration.Run([&](ConfigurationStore& store) {
    return field == "source_id" ? store.GetSource(org, id).has_value()
                                : store.GetDestination(org, id).has_value();
  });
  if (!exists) throw ApiError::NotFound("'" + field + "' " + id + " does not exist");
}

// `transformation_id` from the body: nullopt when absent, "" when null (none), else an id that
// must name a transformation of the caller's org.
boost::asio::awaitable<std::optional<std::string>> TransformationField(
    ApiRequest& request, const boost::json::object& body) {
  const boost::json::value* field = body.if_contains("transformation_id");
  if (field == nullptr) co_return std::nullopt;
  if (field->is_null()) co_return std::string();
  std::string id = RequiredString(body, "transformation_id");
  const std::string& org = request.principal.org_id;
  bool exists = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.GetTransformation(org, id).has_value(); });
  if (!exists) throw ApiError::NotFound("'transformation_id' " + id + " does not exist");
  co_return id;
}

boost::asio::awaitable<Connection> LoadConnection(ApiRequest& request) {
  const std::string& id = request.Param("id");
  auto connection = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.GetConnection(request.principal.org_id, id); });
  if (!connection) throw ApiError::NotFound("connection '" + id + "' does not exist");
  co_return *connection;
}

boost::asio::awaitable<HttpResponse> CreateConnection(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  TimeMs now = request.services.clock.Now();
  Connection connection;
  connection.id = NewId("con", now);
  connection.org_id = request.principal.org_id;
  connection.source_id = RequiredString(body, "source_id");
  connection.destination_id = RequiredString(body, "destination_id");
  connection.filter_json = OptionalFilter(body, "filter").value_or("");
  connection.enabled = OptionalBool(body, "enabled").value_or(true);
  connection.created_at = now;
  connection.updated_at = now;
  co_await RequireOwned(request, "source_id", connection.source_id);
  co_await RequireOwned(request, "destination_id", connection.destination_id);
  connection.transformation_id = (co_await TransformationField(request, body)).value_or("");
  co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { store.InsertConnection(connection); });
  co_return JsonResponse(201, ConnectionJson(connection));
}

boost::asio::awaitable<HttpResponse> ListConnections(ApiRequest& request) {
  PageRequest page = ParsePageRequest(request);
  auto result = co_await request.services.configuration.Run([&](ConfigurationStore& store) {
    return store.ListConnections(request.principal.org_id, page);
  });
  boost::json::array data;
  for (const auto& connection : result.items) data.push_back(ConnectionJson(connection));
  co_return JsonListResponse(std::move(data), result.next);
}

boost::asio::awaitable<HttpResponse> GetConnection(ApiRequest& request) {
  Connection connection = co_await LoadConnection(request);
  co_return JsonResponse(200, ConnectionJson(connection));
}

boost::asio::awaitable<HttpResponse> UpdateConnection(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  Connection connection = co_await LoadConnection(request);
  if (auto destination = OptionalString(body, "destination_id")) {
    co_await RequireOwned(request, "destination_id", *destination);
    connection.destination_id = *destination;
  }
  if (auto filter = OptionalFilter(body, "filter")) connection.filter_json = *filter;
  if (auto enabled = OptionalBool(body, "enabled")) connection.enabled = *enabled;
  if (auto transformation = co_await TransformationField(request, body)) {
    connection.transformation_id = *transformation;
  }
  connection.updated_at = request.services.clock.Now();
  bool updated = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.UpdateConnection(connection); });
  if (!updated) throw ApiError::NotFound("connection '" + connection.id + "' does not exist");
  co_return JsonResponse(200, ConnectionJson(connection));
}

boost::asio::awaitable<HttpResponse> DeleteConnection(ApiRequest& request) {
  Connection connection = co_await LoadConnection(request);
  bool deleted = co_await request.services.configuration.Run([&](ConfigurationStore& store) {
    return store.DeleteConnection(connection.org_id, connection.id);
  });
  if (!deleted) throw ApiError::NotFound("connection '" + connection.id + "' does not exist");
  co_return HttpResponse::NoContent();
}

}  // namespace

void AddConnectionRoutes(ApiRouter& router) {
  router.Add("POST", "/v1/connections", {Permission::write_resources, CreateConnection});
  router.Add("GET", "/v1/connections", {Permission::read, ListConnections});
  router.Add("GET", "/v1/connections/{id}", {Permission::read, GetConnection});
  router.Add("PATCH", "/v1/connections/{id}", {Permission::write_resources, UpdateConnection});
  router.Add("DELETE", "/v1/connections/{id}", {Permission::write_resources, DeleteConnection});
}

}  // namespace rehook
