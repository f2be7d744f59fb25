#pragma once
// CSRF protection for the dashboard's session cookie. A browser attaches the cookie to
// requests that other pages make, so a write signed in by the cookie must be shown to come
// from rehook's own origin. API keys need no such check: no other page can make a browser send
// one.
//
// The check reads what browsers add to every request and pages cannot forge:
// `Sec-Fetch-Site` must be "same-origin" (or "none": the user's own action); without it (older
// browsers), an `Origin` header must name this host. A request with neither is not from a
// browser (curl, scripts) and passes. The cookie is also SameSite=Strict, which stops other
// sites' requests from carrying it at all in browsers too old for either header.

#include "http/http_types.h"

namespace rehook {

// Throws ApiError(403) when `request` is a state-changing request (any method but GET, HEAD
// and OPTIONS) that a browser made on behalf of another origin.
void RefuseCrossOriginWrite(const HttpRequest& request);

}  // namespace rehook
