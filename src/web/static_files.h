#pragma once
// Serves the embedded dashboard (web_assets.h): GET and HEAD of "/" and "/assets/...", with
// the headers every response of it carries — a strict Content-Security-Policy (scripts, styles
// and requests only from this origin, no framing), nosniff, and revalidation by ETag. Paths
// that are not dashboard files are left to the caller (its JSON 404).

#include <optional>

#include "http/http_types.h"

namespace rehook {

// The response for a dashboard file (200, 304 on a matching If-None-Match, 405 for a method
// other than GET and HEAD), or nullopt when the path is not one of the dashboard's files.
std::optional<HttpResponse> ServeWebAsset(const HttpRequest& request);

}  // namespace rehook
