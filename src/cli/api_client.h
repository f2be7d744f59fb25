#pragma once
// The client commands' connection to a running rehook server: one blocking HTTP/1.1 exchange per
// call, plain TCP for http:// and TLS for https:// (the system's trusted CAs plus an optional
// extra CA file; certificate and host name always verified). Only the API key travels with each
// request; nothing of the server's own outbound client (pooling, SSRF guard) is involved, since
// the CLI talks to a server its user chose.

#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rehook::cli {

struct ApiClientSettings {
  std::string base_url = "http://127.0.0.1:8080";  // may carry a path prefix (reverse proxy)
  std::string api_key;
  std::string ca_file;  // extra trusted CAs (PEM) for an https base_url; empty for none
  // One deadline for a whole exchange: resolve, connect, TLS handshake, request and response.
  std::chrono::milliseconds timeout{30000};
};

struct ApiReply {
  int status = 0;
  boost::json::value json;  // the parsed body; null for an empty one (204)
};

// Query parameters (name, value); the client percent-encodes them.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// `text` percent-encoded for use as one path segment: an id typed by a user cannot change which
// resource a request addresses ("../api-keys").
std::string PathSegment(std::string_view text);

class ApiClient {
 public:
  // Throws CliError(usage) when the base URL is not an http(s) URL.
  explicit ApiClient(ApiClientSettings settings);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // Sends `method path?query` with `body` as JSON (none when null) and returns the reply when its
  // status is 2xx. Throws CliError: refused for 4xx (with the API's message), unavailable when the
  // server cannot be reached, times out, answers 5xx or answers with something that is not JSON.
  // A 429 is retried after its Retry-After (a few times): it means the request was not handled.
  ApiReply Call(const std::string& method, const std::string& path, const QueryParams& query = {},
                const boost::json::value& body = nullptr);

  ApiReply Get(const std::string& path, const QueryParams& query = {}) {
    return Call("GET", path, query);
  }
  ApiReply Post(const std::string& path, const boost::json::value& body,
                const QueryParams& query = {}) {
    return Call("POST", path, query, body);
  }
  ApiReply Patch(const std::string& path, const boost::json::value& body) {
    return Call("PATCH", path, {}, body);
  }
  ApiReply Delete(const std::string& path) { return Call("DELETE", path); }

  // Sends `GET path?query` with `headers` and, when the answer is 200, hands its body to
  // `on_bytes` as it arrives (Server-Sent Events), until the server ends it, `on_bytes` returns
  // false, `stop_requested()` turns true (checked every 200 ms) or nothing at all arrives for
  // `idle`. Throws CliError as Call does: for an answer other than 200, and when the server
  // cannot be reached, goes silent or the connection breaks.
  void Stream(const std::string& path, const QueryParams& query,
              const std::vector<std::pair<std::string, std::string>>& headers,
              std::chrono::milliseconds idle, const std::function<bool(std::string_view)>& on_bytes,
              const std::function<bool()>& stop_requested);

  // Sends `POST path` and hands the 200 answer's body to `on_bytes` as it arrives (a download
  // of any size: no deadline for the whole, only `idle` between bytes), until the server ends
  // it. Throws CliError as Stream does, a download that breaks off included.
  void Download(const std::string& path, const QueryParams& query, std::chrono::milliseconds idle,
                const std::function<bool(std::string_view)>& on_bytes);

  const std::string& base_url() const { return settings_.base_url; }
  const std::string& ca_file() const { return settings_.ca_file; }

 private:
  void Receive(const std::string& method, const std::string& accept, const std::string& path,
               const QueryParams& query,
               const std::vector<std::pair<std::string, std::string>>& headers,
               std::chrono::milliseconds idle,
               const std::function<bool(std::string_view)>& on_bytes,
               const std::function<bool()>& stop_requested);
  struct Exchange;
  struct Endpoint;

  ApiClientSettings settings_;
  std::unique_ptr<Endpoint> endpoint_;
};

}  // namespace rehook::cli
