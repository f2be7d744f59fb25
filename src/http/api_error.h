#pragma once
// An error answered to the client as {"error":{"code","message"}}. Thrown by handlers and
// middleware and turned into a response in one place (the API dispatcher), so every error path
// has the same shape. The message is a sentence that names the offending field.

#include <optional>
#include <stdexcept>
#include <string>

namespace rehook {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::optional<int>& retry_after_seconds() const { return retry_after_seconds_; }

  static ApiError BadRequest(const std::string& message) {
    return ApiError(400, "bad_request", message);
  }
  static ApiError Unauthorized(const std::string& message) {
    return ApiError(401, "unauthorized", message);
  }
  static ApiError Forbidden(const std::string& message) {
    return ApiError(403, "forbidden", message);
  }
  static ApiError NotFound(const std::string& message) {
    return ApiError(404, "not_found", message);
  }
  static ApiError Conflict(const std::string& message) {
    return ApiError(409, "conflict", message);
  }
  static ApiError PayloadTooLarge(const std::string& message) {
    return ApiError(413, "payload_too_large", message);
  }
  static ApiError RateLimited(const std::string& message, int retry_after_seconds) {
    ApiError error(429, "rate_limited", message);
    error.retry_after_seconds_ = retry_after_seconds;
    return error;
  }
  static ApiError Unavailable(const std::string& message, int retry_after_seconds) {
    ApiError error(503, "unavailable", message);
    error.retry_after_seconds_ = retry_after_seconds;
    return error;
  }
  static ApiError Internal(const std::string& message) {
    return ApiError(500, "internal", message);
  }

 private:
  int status_;
  std::string code_;
  std::optional<int> retry_after_seconds_;
};

}  // namespace rehook
