#pragma once
// A small blocking HTTP/1.1 client for tests: keep-alive connection to one server, raw bytes in
// and out, JSON helpers. Also RawExchange for sending deliberately malformed requests.

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/event.h"

namespace rehook::testing {

struct HttpResult {
  int status = 0;
  std::vector<HeaderField> headers;
  std::string body;

  std::optional<std::string> Header(std::string_view name) const;
  // The body parsed as JSON; fails the test (throws) when it is not JSON.
  boost::json::value Json() const;
  // Shortcut for error responses: the "error.code" field, or "" when absent.
  std::string ErrorCode() const;
};

class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port);
  // HTTPS, trusting only the CA certificates in `trusted_ca_pem` (one or several, PEM).
  HttpClient(std::string host, std::uint16_t port, std::string trusted_ca_pem);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Headers given here are sent on every request (e.g. the API key).
  void SetDefaultHeader(std::string name, std::string value);
  void SetTimeout(std::chrono::milliseconds timeout);

  HttpResult Request(const std::string& method, const std::string& target,
                     const std::string& body = "", const std::vector<HeaderField>& headers = {});
  HttpResult Get(const std::string& target, const std::vector<HeaderField>& headers = {});
  HttpResult Delete(const std::string& target);
  HttpResult PostJson(const std::string& target, const boost::json::value& body);
  HttpResult PatchJson(const std::string& target, const boost::json::value& body);

 private:
  struct Connection;
  std::string host_;
  std::uint16_t port_;
  std::string trusted_ca_pem_;  // empty: plain HTTP
  std::vector<HeaderField> default_headers_;
  std::chrono::milliseconds timeout_{30000};
  std::unique_ptr<Connection> connection_;
};

// Connects, writes `bytes`, and returns everything the server sends until it closes the
// connection or `timeout` passes.
std::string RawExchange(std::uint16_t port, const std::string& bytes,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

}  // namespace rehook::testing
