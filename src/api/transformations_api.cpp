// /v1/transformations: users' JavaScript that reshapes a request before delivery, and
// POST /v1/transformations/test, which runs code against a stored event or a given request and
// shows what it would send (API.md, "Transformations"). Code is compiled when saved: a syntax
// error, or code without a transform function, is a 400 naming `code`.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/event_lookup.h"
#include "api/request_parsing.h"
#include "api/routes.h"
#include "common/ids.h"
#include "common/iso8601.h"
#include "domain/header_fields.h"
#include "http/api_error.h"
#include "http/json_response.h"
#include "transform/transform_request.h"

namespace rehook {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxCodeBytes = 256 * 1024;
// How much of a test run's body the answer shows.
constexpr std::size_t kShownBodyBytes = 64 * 1024;

json::object TransformationJson(const Transformation& transformation) {
  json::object out;
  out["id"] = transformation.id;
  out["name"] = transformation.name;
  out["code"] = transformation.code;
  out["created_at"] = FormatIso8601(transformation.created_at);
  out["updated_at"] = FormatIso8601(transformation.updated_at);
  return out;
}

// `code` from the body, compiled once to check it: 400 naming the field when it does not
// compile or defines no transform().
boost::asio::awaitable<std::optional<std::string>> CheckedCode(ApiRequest& request,
                                                               const json::object& body,
                                                               bool required) {
  std::optional<std::string> code = required
                                        ? std::optional(RequiredString(body, "code", kMaxCodeBytes))
                                        : OptionalString(body, "code", kMaxCodeBytes);
  if (!code) co_return std::nullopt;
  std::string error = co_await request.services.transformer.Check(*code);
  if (!error.empty()) throw ApiError::BadRequest("'code' does not compile: " + error);
  co_return code;
}

boost::asio::awaitable<Transformation> LoadTransformation(ApiRequest& request,
                                                          const std::string& id,
                                                          std::string_view field) {
  auto transformation = co_await request.services.configuration.Run([&](ConfigurationStore& store) {
    return store.GetTransformation(request.principal.org_id, id);
  });
  if (!transformation) {
    throw ApiError::NotFound("'" + std::string(field) + "' " + id + " does not exist");
  }
  co_return *transformation;
}

boost::asio::awaitable<HttpResponse> CreateTransformation(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  const TimeMs now = request.services.clock.Now();
  Transformation transformation;
  transformation.id = NewId("trf", now);
  transformation.org_id = request.principal.org_id;
  transformation.name = RequiredString(body, "name");
  transformation.code = *co_await CheckedCode(request, body, true);
  transformation.created_at = now;
  transformation.updated_at = now;
  co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { store.InsertTransformation(transformation); });
  co_return JsonResponse(201, TransformationJson(transformation));
}

boost::asio::awaitable<HttpResponse> ListTransformations(ApiRequest& request) {
  PageRequest page = ParsePageRequest(request);
  auto result = co_await request.services.configuration.Run([&](ConfigurationStore& store) {
    return store.ListTransformations(request.principal.org_id, page);
  });
  json::array data;
  for (const auto& transformation : result.items)
    data.push_back(TransformationJson(transformation));
  co_return JsonListResponse(std::move(data), result.next);
}

boost::asio::awaitable<HttpResponse> GetTransformation(ApiRequest& request) {
  Transformation transformation = co_await LoadTransformation(request, request.Param("id"), "id");
  co_return JsonResponse(200, TransformationJson(transformation));
}

boost::asio::awaitable<HttpResponse> UpdateTransformation(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  Transformation transformation = co_await LoadTransformation(request, request.Param("id"), "id");
  if (auto name = OptionalString(body, "name")) transformation.name = *name;
  if (auto code = co_await CheckedCode(request, body, false)) transformation.code = *code;
  transformation.updated_at = request.services.clock.Now();
  bool updated = co_await request.services.configuration.Run(
      [&](ConfigurationStore& store) { return store.UpdateTransformation(transformation); });
  if (!updated)
    throw ApiError::NotFound("transformation '" + transformation.id + "' does not exist");
  co_return JsonResponse(200, TransformationJson(transformation));
}

boost::asio::awaitable<HttpResponse> DeleteTransformation(ApiRequest& request) {
  const std::string& id = request.Param("id");
  auto result = co_await request.services.configuration.Run([&](ConfigurationStore& store) {
    return store.DeleteTransformation(request.principal.org_id, id);
  });
  if (const auto* in_use = std::get_if<TransformationInUse>(&result)) {
    throw ApiError::Conflict("transformation '" + id + "' is used by connection " +
                             in_use->connection_id + ": change the connection first");
  }
  if (!std::get<bool>(result))
    throw ApiError::NotFound("transformation '" + id + "' does not exist");
  co_return HttpResponse::NoContent();
}

// A header or query value given in a test request: a string, a number or a boolean.
std::string ValueText(const json::value& value, const std::string& field) {
  if (value.is_string()) return std::string(value.get_string());
  if (value.is_number() || value.is_bool()) return json::serialize(value);
  throw ApiError::BadRequest("'" + field + "' must be a string");
}

// The request a test run transforms when no stored event is named:
// {"method","path","query","headers","body"}, each optional.
Event EventFromTestRequest(const json::value& given, const std::string& org_id, TimeMs now) {
  if (!given.is_object()) throw ApiError::BadRequest("'request' must be an object");
  const json::object& request = given.get_object();
  Event event;
  event.id = "evt_test";
  event.org_id = org_id;
  event.received_at = now;
  if (const json::value* method = request.if_contains("method")) {
    event.method = ValueText(*method, "request.method");
  } else {
    event.method = "POST";
  }
  event.path = "/";
  if (const json::value* path = request.if_contains("path")) {
    event.path = ValueText(*path, "request.path");
    if (!event.path.starts_with("/"))
      throw ApiError::BadRequest("'request.path' must start with /");
  }
  if (const json::value* query = request.if_contains("query")) {
    event.query = ValueText(*query, "request.query");
  }
  if (const json::value* headers = request.if_contains("headers")) {
    if (!headers->is_object()) throw ApiError::BadRequest("'request.headers' must be an object");
    for (const auto& [name, value] : headers->get_object()) {
      if (!IsHeaderName(name)) {
        throw ApiError::BadRequest("'request.headers' has an invalid name: " + std::string(name));
      }
      event.headers.push_back({std::string(name), ValueText(value, "request.headers")});
    }
  }
  if (const json::value* body = request.if_contains("body")) {
    event.body = body->is_string() ? std::string(body->get_string()) : json::serialize(*body);
  }
  event.size = static_cast<std::int64_t>(event.body.size());
  return event;
}

boost::asio::awaitable<HttpResponse> TestTransformation(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  std::optional<std::string> code = co_await CheckedCode(request, body, false);
  std::string key = "test:" + request.principal.org_id;
  if (!code) {
    auto id = OptionalString(body, "transformation_id");
    if (!id) throw ApiError::BadRequest("'code' (or 'transformation_id') is required");
    Transformation saved = co_await LoadTransformation(request, *id, "transformation_id");
    code = saved.code;
  }
  Event event;
  if (auto event_id = OptionalString(body, "event_id")) {
    event = co_await LoadEvent(request, *event_id, true);
  } else if (const json::value* given = body.if_contains("request")) {
    event = EventFromTestRequest(*given, request.principal.org_id, request.services.clock.Now());
  } else {
    throw ApiError::BadRequest("'event_id' (or 'request') is required");
  }

  TransformContext context;
  context.destination_id = OptionalString(body, "destination_id").value_or("");
  context.trigger = "test";
  // Test runs compile apart from deliveries: they never share a script's globals. Arguments
  // named first, as in TransformStep::Run (GCC 12 and braced temporaries in a co_await).
  ScriptSource script{key + ":" + *code, *code};
  std::string input = TransformInput(event);
  std::string context_json = TransformContextJson(event, context);
  ScriptCall call = co_await request.services.transformer.Call(std::move(script), std::move(input),
                                                               std::move(context_json));

  json::object data;
  data["request"] = nullptr;
  data["error"] = nullptr;
  if (!call.returned) {
    data["error"] = call.error;
  } else if (!call.returned_null) {
    auto read = ReadTransformed(event, call);
    if (const auto* error = std::get_if<std::string>(&read)) {
      data["error"] = *error;
    } else {
      data["request"] =
          TransformedRequestJson(event, std::get<TransformedRequest>(read), kShownBodyBytes);
    }
  }
  json::array logs;
  for (auto& line : call.logs) logs.emplace_back(line);
  data["logs"] = std::move(logs);
  data["skipped"] = call.returned && call.returned_null;
  data["duration_ms"] = static_cast<double>(call.duration.count()) / 1000.0;
  co_return JsonResponse(200, json::object{{"data", std::move(data)}});
}

}  // namespace

void AddTransformationRoutes(ApiRouter& router) {
  router.Add("POST", "/v1/transformations/test", {Permission::write_resources, TestTransformation});
  router.Add("POST", "/v1/transformations", {Permission::write_resources, CreateTransformation});
  router.Add("GET", "/v1/transformations", {Permission::read, ListTransformations});
  router.Add("GET", "/v1/transformations/{id}", {Permission::read, GetTransformation});
  router.Add("PATCH", "/v1/transformations/{id}",
             {Permission::write_resources, UpdateTransformation});
  router.Add("DELETE", "/v1/transformations/{id}",
             {Permission::write_resources, DeleteTransformation});
}

}  // namespace rehook
