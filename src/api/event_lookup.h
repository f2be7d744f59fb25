#pragma once
// Looking up captured events (and the sources they arrived on) for API handlers, with the 404s
// of API.md: another organization's ids read as missing.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

#include "api/api_context.h"

namespace rehook {

// Throws 404 naming `field` unless the source exists in the caller's org.
boost::asio::awaitable<void> RequireSource(ApiRequest& request, const std::string& source_id,
                                           std::string_view field);

// The event `id` of the caller's org; 404 otherwise.
boost::asio::awaitable<Event> LoadEvent(ApiRequest& request, const std::string& id, bool with_body);

// /v1/endpoints/{id}/requests/{requestId}: the request, which must have arrived on that endpoint.
boost::asio::awaitable<Event> LoadEndpointRequest(ApiRequest& request, bool with_body);

}  // namespace rehook
