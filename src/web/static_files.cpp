#include "web/static_files.h"

#include <string_view>

#include "http/api_error.h"
#include "http/json_response.h"
#include "web/web_assets.h"

namespace rehook {
namespace {

// 'self' only: the dashboard loads nothing from elsewhere and has no inline script or style,
// so an injected <script> or style attribute would not run even if escaping ever failed.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'";

std::string_view ContentTypeOf(std::string_view path) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  if (path == "/" || ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js") || ends_with(".mjs")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  if (ends_with(".json")) return "application/json";
  if (ends_with(".png")) return "image/png";
  if (ends_with(".ico")) return "image/x-icon";
  if (ends_with(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

const WebAsset* FindAsset(std::string_view path) {
  for (const WebAsset& asset : EmbeddedWebAssets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

// If-None-Match holds a list of validators (or "*"); weak ones (W/"...") match too, as RFC 9110
// says for GET.
bool MatchesIfNoneMatch(const HttpRequest& request, std::string_view etag) {
  auto header = request.Header("If-None-Match");
  if (!header) return false;
  if (*header == "*") return true;
  std::string_view rest = *header;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view candidate = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!candidate.empty() && (candidate.front() == ' ' || candidate.front() == '\t'))
      candidate.remove_prefix(1);
    while (!candidate.empty() && (candidate.back() == ' ' || candidate.back() == '\t'))
      candidate.remove_suffix(1);
    if (candidate.substr(0, 2) == "W/") candidate.remove_prefix(2);
    if (candidate == etag) return true;
  }
  return false;
}

void AddCommonHeaders(HttpResponse& response, const WebAsset& asset) {
  // Every use revalidates (a 304 when nothing changed): file names carry no version, and an
  // upgraded binary must not keep serving yesterday's script from a browser cache.
  response.SetHeader("Cache-Control", "no-cache");
  response.SetHeader("ETag", std::string(asset.etag));
  response.SetHeader("Content-Security-Policy", std::string(kContentSecurityPolicy));
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("X-Frame-Options", "DENY");
  response.SetHeader("Referrer-Policy", "no-referrer");
  response.SetHeader("Cross-Origin-Opener-Policy", "same-origin");
  response.SetHeader("Cross-Origin-Resource-Policy", "same-origin");
}

}  // namespace

std::optional<HttpResponse> ServeWebAsset(const HttpRequest& request) {
  const WebAsset* asset = FindAsset(request.path);
  if (!asset) return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse response = ErrorResponse(
        ApiError(405, "method_not_allowed", request.method + " is not allowed on " + request.path));
    response.SetHeader("Allow", "GET, HEAD");
    return response;
  }
  HttpResponse response;
  if (MatchesIfNoneMatch(request, asset->etag)) {
    response.status = 304;
  } else {
    response = HttpResponse::Text(200, std::string(ContentTypeOf(asset->path)),
                                  std::string(asset->content));
  }
  AddCommonHeaders(response, *asset);
  return response;
}

}  // namespace rehook
