// /v1/notifications: admins say where rehook tells them that something changed (API.md,
// "Insight"). The URL gets the same SSRF guard as a destination's, when saved and when sent to.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "api/request_parsing.h"
#include "api/routes.h"
#include "api/target_checks.h"
#include "common/ids.h"
#include "common/iso8601.h"
#include "delivery/webhook_signer.h"
#include "http/api_error.h"
#include "http/json_response.h"

namespace rehook {
namespace {

namespace json = boost::json;

json::object ChannelJson(const NotificationChannel& channel) {
  json::object out;
  out["id"] = channel.id;
  out["url"] = channel.url;
  json::array events;
  for (NotificationKind kind : channel.kinds) events.emplace_back(NotificationKindName(kind));
  out["events"] = std::move(events);
  out["format"] = NotificationFormatName(channel.format);
  out["has_secret"] = !channel.secret.empty();
  out["created_at"] = FormatIso8601(channel.created_at);
  return out;
}

std::string KnownKinds() {
  std::string names;
  for (NotificationKind kind : AllNotificationKinds()) {
    if (!names.empty()) names += ", ";
    names += NotificationKindName(kind);
  }
  return names;
}

// `events`: a non-empty array of kind names, each once.
std::vector<NotificationKind> ParseKinds(const json::object& body) {
  const json::value* field = body.if_contains("events");
  if (field == nullptr) throw ApiError::BadRequest("'events' is required: " + KnownKinds());
  if (!field->is_array() || field->as_array().empty()) {
    throw ApiError::BadRequest("'events' must be a non-empty array of: " + KnownKinds());
  }
  std::vector<NotificationKind> kinds;
  for (const json::value& item : field->as_array()) {
    const json::string* name = item.if_string();
    std::optional<NotificationKind> kind =
        name ? ParseNotificationKind(std::string_view(*name)) : std::nullopt;
    if (!kind) {
      throw ApiError::BadRequest("'events' holds " + json::serialize(item) +
                                 ", which is none of: " + KnownKinds());
    }
    if (std::find(kinds.begin(), kinds.end(), *kind) == kinds.end()) kinds.push_back(*kind);
  }
  return kinds;
}

boost::asio::awaitable<HttpResponse> CreateChannel(ApiRequest& request) {
  auto body = ParseJsonObject(request.http);
  NotificationChannel channel;
  channel.url = RequiredString(body, "url", 2048);
  channel.kinds = ParseKinds(body);
  if (auto format = OptionalString(body, "format")) {
    auto parsed = ParseNotificationFormat(*format);
    if (!parsed) throw ApiError::BadRequest("'format' must be \"json\" or \"slack\"");
    channel.format = *parsed;
  }
  if (auto secret = OptionalString(body, "secret", 200)) {
    if (!secret->empty() && !DecodeWebhookSecret(*secret)) {
      throw ApiError::BadRequest(
          "'secret' must be a Standard Webhooks secret: whsec_ followed by base64");
    }
    channel.secret = *secret;
  }
  co_await CheckTargetUrl(request, channel.url, "url", false);
  const TimeMs now = request.services.clock.Now();
  channel.id = NewId("ntf", now);
  channel.org_id = request.principal.org_id;
  channel.created_at = now;
  co_await request.services.notifications.Run(
      [&](NotificationStore& store) { store.InsertChannel(channel); });
  co_return JsonResponse(201, ChannelJson(channel));
}

boost::asio::awaitable<HttpResponse> ListChannels(ApiRequest& request) {
  PageRequest page = ParsePageRequest(request);
  auto result = co_await request.services.notifications.Run(
      [&](NotificationStore& store) { return store.ListChannels(request.principal.org_id, page); });
  json::array data;
  for (const auto& channel : result.items) data.push_back(ChannelJson(channel));
  co_return JsonListResponse(std::move(data), result.next);
}

boost::asio::awaitable<HttpResponse> GetChannel(ApiRequest& request) {
  const std::string& id = request.Param("id");
  auto channel = co_await request.services.notifications.Run(
      [&](NotificationStore& store) { return store.GetChannel(request.principal.org_id, id); });
  if (!channel) throw ApiError::NotFound("notification channel '" + id + "' does not exist");
  co_return JsonResponse(200, ChannelJson(*channel));
}

boost::asio::awaitable<HttpResponse> DeleteChannel(ApiRequest& request) {
  const std::string& id = request.Param("id");
  bool deleted = co_await request.services.notifications.Run(
      [&](NotificationStore& store) { return store.DeleteChannel(request.principal.org_id, id); });
  if (!deleted) throw ApiError::NotFound("notification channel '" + id + "' does not exist");
  co_return HttpResponse::NoContent();
}

}  // namespace

void AddNotificationRoutes(ApiRouter& router) {
  router.Add("POST", "/v1/notifications", {Permission::manage_notifications, CreateChannel});
  router.Add("GET", "/v1/notifications", {Permission::manage_notifications, ListChannels});
  router.Add("GET", "/v1/notifications/{id}", {Permission::manage_notifications, GetChannel});
  router.Add("DELETE", "/v1/notifications/{id}", {Permission::manage_notifications, DeleteChannel});
}

}  // namespace rehook
