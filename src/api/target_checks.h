#pragma once
// Checks a URL a user gives rehook to send to (a destination, a single-replay target): its form,
// and the SSRF guard on what its host resolves to now. Delivery checks the guard again on the
// address it connects to, since DNS may change in between.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

#include "api/api_context.h"
#include "delivery/target_url.h"

namespace rehook {

// Throws ApiError 400 naming `field` when the URL is malformed, not https while `require_https`,
// or resolves to an address the operator has not allowed. A host that does not resolve yet is
// accepted (it may exist by the time of delivery).
boost::asio::awaitable<TargetUrl> CheckTargetUrl(ApiRequest& request, const std::string& text,
                                                 std::string_view field, bool require_https);

}  // namespace rehook
