#include "cli/exit_codes.h"

#include <boost/json/parse.hpp>

#include <optional>

namespace rehook::cli {
namespace {

// Enough of an unexpected body (an HTML page from a proxy, say) to recognise it.
constexpr std::size_t kShownBodyBytes = 200;

struct ApiErrorText {
  std::string message;
  std::string code;  // empty when the reply has none
};

std::optional<ApiErrorText> ApiErrorOf(std::string_view body) {
  boost::json::error_code ec;
  boost::json::value json = boost::json::parse(body, ec);
  if (ec || !json.is_object()) return std::nullopt;
  const auto* error = json.as_object().if_contains("error");
  if (!error || !error->is_object()) return std::nullopt;
  const auto* message = error->as_object().if_contains("message");
  if (!message || !message->is_string()) return std::nullopt;
  ApiErrorText text{std::string(message->get_string()), ""};
  const auto* code = error->as_object().if_contains("code");
  if (code && code->is_string()) text.code = std::string(code->get_string());
  return text;
}

}  // namespace

ExitCode ExitCodeForStatus(int http_status) {
  if (http_status >= 200 && http_status < 300) return ExitCode::ok;
  if (http_status >= 400 && http_status < 500) return ExitCode::refused;
  return ExitCode::unavailable;
}

ExitCode ExitCodeForJob(std::string_view status, long long failed) {
  if (status == "completed" && failed == 0) return ExitCode::ok;
  return ExitCode::not_delivered;
}

bool IsApiErrorReply(std::string_view body) { return ApiErrorOf(body).has_value(); }

std::string DescribeErrorReply(int http_status, std::string_view body) {
  const std::string status = "HTTP " + std::to_string(http_status);
  if (auto error = ApiErrorOf(body)) {
    if (error->code.empty()) return error->message + " (" + status + ")";
    return error->message + " (" + error->code + ", " + status + ")";
  }
  if (body.empty()) return status + " with an empty body";
  std::string shown(body.substr(0, kShownBodyBytes));
  if (body.size() > kShownBodyBytes) shown += "...";
  return status + ": " + shown;
}

}  // namespace rehook::cli
