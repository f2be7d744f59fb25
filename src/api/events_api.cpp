// /v1/events (alias /v1/requests) and the hookdeploy aliases /v1/endpoints/{id}/requests.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include "api/event_json.h"
#include "api/event_lookup.h"
#include "api/request_parsing.h"
#include "api/routes.h"
#include "http/api_error.h"
#include "http/json_response.h"
#include "search/event_search.h"

namespace rehook {
namespace {

constexpr std::size_t kMaxSearchTextBytes = 1024;

// ?filter= (URL-encoded JSON in the filter language) and ?q= (bytes the body must contain).
EventSearch ParseSearch(ApiRequest& request) {
  EventSearch search;
  search.filter = ParseFilterQuery(request, "filter");
  if (std::optional<std::string> q = request.Query("q")) {
    if (q->size() > kMaxSearchTextBytes) {
      throw ApiError::BadRequest("'q' is longer than " + std::to_string(kMaxSearchTextBytes) +
                                 " bytes");
    }
    search.body_contains = std::move(*q);
  }
  return search;
}

boost::asio::awaitable<HttpResponse> ListEventsOf(ApiRequest& request,
                                                  std::optional<std::string> source_id) {
  EventSearch search = ParseSearch(request);
  EventQuery& query = search.listing;
  query.org_id = request.principal.org_id;
  query.source_id = std::move(source_id);
  query.from = ParseTimeQuery(request, "from");
  query.to = ParseTimeQuery(request, "to");
  if (query.from && query.to && *query.from > *query.to) {
    throw ApiError::BadRequest("'from' must not be later than 'to'");
  }
  query.page = ParsePageRequest(request);
  const bool searching = search.filter || !search.body_contains.empty();
  auto page = co_await request.services.events.Run([&](EventLog& store) {
    return searching ? SearchEvents(store, search, request.services.search_budget)
                     : store.ListEvents(query);
  });
  boost::json::array data;
  for (const Event& event : page.items) data.push_back(EventJson(event, false));
  co_return JsonListResponse(std::move(data), page.next);
}

boost::asio::awaitable<HttpResponse> ListEvents(ApiRequest& request) {
  std::optional<std::string> source_id = request.Query("source_id");
  if (source_id && source_id->empty()) source_id.reset();
  if (source_id) co_await RequireSource(request, *source_id, "source_id");
  co_return co_await ListEventsOf(request, std::move(source_id));
}

boost::asio::awaitable<HttpResponse> ListEndpointRequests(ApiRequest& request) {
  std::string source_id = request.Param("id");
  co_await RequireSource(request, source_id, "endpoint");
  co_return co_await ListEventsOf(request, std::move(source_id));
}

boost::asio::awaitable<HttpResponse> GetEvent(ApiRequest& request) {
  Event event = co_await LoadEvent(request, request.Param("id"), true);
  co_return JsonResponse(200, EventJson(event, true));
}

boost::asio::awaitable<HttpResponse> GetEndpointRequest(ApiRequest& request) {
  Event event = co_await LoadEndpointRequest(request, true);
  co_return JsonResponse(200, EventJson(event, true));
}

boost::asio::awaitable<HttpResponse> ListDeliveries(ApiRequest& request) {
  const std::string& id = request.Param("id");
  Event event = co_await LoadEvent(request, id, false);
  auto attempts = co_await request.services.events.Run([&](EventLog& store) {
    return store.ListAttemptsOfEvent(request.principal.org_id, event.id);
  });
  boost::json::array data;
  for (const auto& attempt : attempts) data.push_back(AttemptJson(attempt));
  co_return JsonListResponse(std::move(data), std::nullopt);
}

// Erasure (e.g. a data-subject request): the event goes with its deliveries, replay records and
// dedup key. Replay jobs already under way simply no longer find it.
boost::asio::awaitable<HttpResponse> DeleteEvent(ApiRequest& request) {
  const std::string& id = request.Param("id");
  bool deleted = co_await request.services.events.Run(
      [&](EventLog& store) { return store.DeleteEvent(request.principal.org_id, id); });
  if (!deleted) throw ApiError::NotFound("event '" + id + "' does not exist");
  co_return HttpResponse::NoContent();
}

}  // namespace

void AddEventRoutes(ApiRouter& router) {
  for (std::string base : {"/v1/events", "/v1/requests"}) {
    router.Add("GET", base, {Permission::read, ListEvents});
    router.Add("GET", base + "/{id}", {Permission::read, GetEvent});
    router.Add("DELETE", base + "/{id}", {Permission::write_resources, DeleteEvent});
    router.Add("GET", base + "/{id}/deliveries", {Permission::read, ListDeliveries});
  }
  router.Add("GET", "/v1/endpoints/{id}/requests", {Permission::read, ListEndpointRequests});
  router.Add("GET", "/v1/endpoints/{id}/requests/{requestId}",
             {Permission::read, GetEndpointRequest});
}

}  // namespace rehook
