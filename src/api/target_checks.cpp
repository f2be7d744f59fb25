#include "api/target_checks.h"

#include "common/log.h"
#include "delivery/target_guard.h"
#include "http/api_error.h"

namespace rehook {

boost::asio::awaitable<TargetUrl> CheckTargetUrl(ApiRequest& request, const std::string& text,
                                                 std::string_view field, bool require_https) {
  const std::string quoted = "'" + std::string(field) + "'";
  auto parsed = ParseTargetUrl(text, require_https, quoted);
  if (auto* error = std::get_if<std::string>(&parsed)) throw ApiError::BadRequest(*error);
  TargetUrl url = std::get<TargetUrl>(std::move(parsed));
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
