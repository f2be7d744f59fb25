#include "http/cross_origin_guard.h"

#include <string>
#include <string_view>

#include "http/api_error.h"

namespace rehook {
namespace {

bool IsSafeMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

// "https://rehook.example.com:8443" -> "rehook.example.com:8443"; empty for "null" and
// anything that is not a serialized http(s) origin.
std::string_view HostOfOrigin(std::string_view origin) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (origin.size() > scheme.size() &&
        EqualsIgnoreCase(origin.substr(0, scheme.size()), scheme)) {
      std::string_view host = origin.substr(scheme.size());
      if (host.find('/') != std::string_view::npos) return {};
      return host;
    }
  }
  return {};
}

// An origin's host leaves out the scheme's default port, which a Host header may carry.
bool SameHost(std::string_view origin_host, std::string_view host) {
  if (EqualsIgnoreCase(origin_host, host)) return true;
  for (std::string_view default_port : {":80", ":443"}) {
    if (host.size() > default_port.size() &&
        host.substr(host.size() - default_port.size()) == default_port &&
        EqualsIgnoreCase(origin_host, host.substr(0, host.size() - default_port.size()))) {
      return true;
    }
  }
  return false;
}

[[noreturn]] void Refuse(const std::string& why) {
  throw ApiError::Forbidden(
      "cross-origin request refused: a change made with the dashboard's session cookie must "
      "come from the dashboard itself (" +
      why + "); scripts should send an API key in X-API-Key instead");
}

}  // namespace

void RefuseCrossOriginWrite(const HttpRequest& request) {
  if (IsSafeMethod(request.method)) return;
  if (auto site = request.Header("Sec-Fetch-Site")) {
    if (*site == "same-origin" || *site == "none") return;
    Refuse("Sec-Fetch-Site is '" + std::string(*site) + "'");
  }
  auto origin = request.Header("Origin");
  if (!origin) return;
  std::string_view host = request.Header("Host").value_or("");
  std::string_view origin_host = HostOfOrigin(*origin);
  if (origin_host.empty() || !SameHost(origin_host, host)) {
    Refuse("Origin '" + std::string(*origin) + "' is not this server");
  }
}

}  // namespace rehook
