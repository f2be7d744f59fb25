#pragma once
// The outbound HTTP(S) client used by forwarding, replay jobs and single-request replay alike.
//
// - TLS through OpenSSL: the system's trusted CAs plus the operator's --ca-file; certificate and
//   host name verification always on; SNI for DNS names.
// - The SSRF guard runs at connect time on the addresses actually connected to
//   (ResolveAllowed), so a name that re-resolves to a private address is refused.
// - Keep-alive: idle connections are pooled per (scheme, host, port) and reused.
// - One deadline covers the whole exchange: resolve, connect, TLS handshake, write, response.
// - Response bodies are read up to a cap (kept as a prefix for diagnostics) and discarded.
// - Redirects are never followed and no proxy is used (either would bypass the guard).
//
// An OutboundClient belongs to one io_context: create one per io thread and call Send only from
// coroutines running on that context.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "delivery/target_guard.h"
#include "delivery/target_url.h"
#include "domain/event.h"

namespace rehook {

struct OutboundRequest {
  std::string method = "POST";
  TargetUrl url;
  // Sent in this order, as given; the client adds Host, Content-Length and (when absent)
  // User-Agent. Callers strip hop-by-hop headers before.
  std::vector<HeaderField> headers;
  // Shared so that one captured body can go to several destinations without copies.
  std::shared_ptr<const std::string> body;
  std::chrono::milliseconds timeout{10000};
};

struct OutboundResult {
  // The response status; nullopt when no response arrived (connection, TLS, timeout, guard).
  std::optional<int> status_code;
  // Milliseconds from the start of Send to the complete response; nullopt with status_code.
  std::optional<std::int64_t> response_time_ms;
  // Empty when a response arrived (whatever its status). Otherwise what happened, in words an
  // on-call engineer understands: "Connection refused", "timeout after 10000 ms",
  // "TLS handshake failed: certificate verify failed", "could not resolve nowhere.invalid: ...",
  // "blocked: 10.0.0.5 is a private address", "connection closed before the response".
  std::string error;
  // The first bytes of the response body (up to OutboundClientOptions::kept_body_bytes).
  std::string body_prefix;
  // The response's Retry-After header as sent ("" for none): how long a consumer that answered
  // 429 or 503 asks to be left alone (see ParseRetryAfter).
  std::string retry_after;

  bool success() const { return status_code && *status_code >= 200 && *status_code < 300; }
};

struct OutboundClientOptions {
  bool allow_private_targets = false;
  std::vector<std::string> allowed_target_cidrs;
  std::string ca_file;  // extra trusted CAs (PEM); empty for none
  // Every replay job to a destination holds a connection to it between deliveries, and a node
  // runs up to 1000 jobs (ReplayRunnerOptions::max_jobs): with fewer, the 500-job benchmark
  // closed and reopened a connection every ~27 deliveries.
  std::size_t max_idle_per_host = 1024;
  std::chrono::milliseconds idle_timeout{30000};
  std::size_t max_response_bytes = 1 << 20;  // read and discarded beyond kept_body_bytes
  std::size_t kept_body_bytes = 1024;
  std::string user_agent = "rehook/0.1";
};

// The parts shared by every client of a process: the target policy and the TLS context.
// Thread-safe once built. Throws std::invalid_argument for a bad CIDR or unreadable CA file.
class OutboundShared;
std::shared_ptr<OutboundShared> MakeOutboundShared(const OutboundClientOptions& options);
const TargetPolicy& PolicyOf(const OutboundShared& shared);

class OutboundClient {
 public:
  OutboundClient(boost::asio::any_io_executor executor, std::shared_ptr<OutboundShared> shared);
  ~OutboundClient();
  OutboundClient(const OutboundClient&) = delete;
  OutboundClient& operator=(const OutboundClient&) = delete;

  // Sends one request and waits for the response (or failure). Never throws for network
  // errors: they are reported in the result.
  boost::asio::awaitable<OutboundResult> Send(OutboundRequest request);

  // Closes idle pooled connections (shutdown).
  void CloseIdle();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rehook
