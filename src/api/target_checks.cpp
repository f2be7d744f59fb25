#include "api/target_checks.h"

#include <boost/asio/ip/address.hpp>

#include "common/log.h"
#include "delivery/target_guard.h"
#include "http/api_error.h"
#include "http/http_types.h"

namespace rehook {
namespace {

bool IsThisMachine(const TargetUrl& url) {
  if (EqualsIgnoreCase(url.host, "localhost")) return true;
  if (!url.host_is_ip) return false;
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(url.host, error);
  if (error) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    const auto v4 = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
    return v4.is_loopback() || v4.is_unspecified();
  }
  return address.is_loopback() || address.is_unspecified();
}

// Whether `url` is one of this rehook's own ingest URLs, as far as can be known without asking
// DNS: through its public URL, or its listening port on this machine. Delivering there would
// capture every delivery again (a delivery loop; capture refuses what slips past this, see
// delivery/hop_marker.h).
bool IsOwnIngestUrl(const TargetUrl& url, const ApiServices& services) {
  auto under = [&url](std::string_view base_path) {
    while (!base_path.empty() && base_path.back() == '/') base_path.remove_suffix(1);
    return url.target.starts_with(std::string(base_path) + "/in/");
  };
  auto parsed = ParseTargetUrl(services.public_url, false);
  if (const auto* public_url = std::get_if<TargetUrl>(&parsed)) {
    const std::string_view public_path =
        std::string_view(public_url->target).substr(0, public_url->target.find('?'));
    if (EqualsIgnoreCase(url.host, public_url->host) && url.port == public_url->port &&
        under(public_path)) {
      return true;
    }
  }
  return url.port == services.listen_port && IsThisMachine(url) && under("");
}

}  // namespace

boost::asio::awaitable<TargetUrl> CheckTargetUrl(ApiRequest& request, const std::string& text,
                                                 std::string_view field, bool require_https) {
  const std::string quoted = "'" + std::string(field) + "'";
  auto parsed = ParseTargetUrl(text, require_https, quoted);
  if (auto* error = std::get_if<std::string>(&parsed)) throw ApiError::BadRequest(*error);
  TargetUrl url = std::get<TargetUrl>(std::move(parsed));
  if (IsOwnIngestUrl(url, request.services)) {
    throw ApiError::BadRequest(quoted +
                               " is one of this rehook's own ingest URLs: each delivery would be "
                               "captured and delivered again (a delivery loop)");
  }
  ResolvedTarget resolved = co_await ResolveAllowed(request.services.target_policy, url.host,
                                                    url.port, ResolveMode::kRequireAllAllowed);
  if (resolved.status == ResolvedTarget::Status::kBlocked) {
    throw ApiError::BadRequest(quoted + " is not allowed: " + resolved.error +
                               " (an operator can allow it with --allow-private-targets or "
                               "--allow-target-cidr)");
  }
  if (resolved.status == ResolvedTarget::Status::kUnresolved) {
    log::Info("target.unresolved",
              {{"field", std::string(field)}, {"host", url.host}, {"error", resolved.error}});
  }
  co_return url;
}

}  // namespace rehook
