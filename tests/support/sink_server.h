#pragma once
// A local HTTP/1.1 server that tests deliver webhooks to (a "sink"). It listens on 127.0.0.1 on a
// port of its own (plain or TLS), answers on a background thread, and records every request
// exactly as it arrived, so tests can check what a client put on the wire and how it behaved:
// how many connections it opened, how many requests it had in flight at once.
//
//   SinkServer sink;
//   sink.SetStatuses({503, 200});            // fail the first delivery, accept the retry
//   ... deliver to sink.url() + "/hook" ...
//   ASSERT_TRUE(sink.WaitForCount(2, std::chrono::seconds(5)));
//   EXPECT_EQ(sink.requests()[1].body, "{}");
//
// Keep-alive as HTTP/1.1 defines it, one request at a time per connection. Every method may be
// called from any thread except the sink's own (so not from a Policy).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.h"
#include "support/test_certificates.h"

namespace rehook::testing {

struct SinkRequest {
  std::string method;
  std::string target;
  // As received: arrival order, duplicates kept, names spelled as the client spelled them.
  std::vector<HeaderField> headers;
  std::string body;  // the exact bytes (after removing chunked framing, if any)
  // The TCP connection that carried the request: 1 for the first the sink accepted.
  int connection = 0;
  // When the request was complete, on both clocks: steady for intervals between requests,
  // system (ms since the epoch) for comparing with timestamps the server under test records.
  std::chrono::steady_clock::time_point received_at;
  std::int64_t received_at_ms = 0;

  // The first value of header `name` (case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
  // Every value of header `name` (case-insensitive), in arrival order.
  std::vector<std::string> HeaderValues(std::string_view name) const;
};

struct SinkResponse {
  int status = 200;
  std::vector<HeaderField> headers;  // Content-Length and Connection are set by the sink
  std::string body;
  // Waited before answering (or before closing): a slow destination.
  std::chrono::milliseconds delay{0};
  // Closes the connection instead of answering: a destination that crashes mid-request.
  bool close_without_response = false;
  // Aborts the connection with a TCP reset instead of answering (a crashed process's kernel,
  // or a firewall).
  bool reset = false;
  // Sends the response one byte at a time, this long apart: a destination that trickles.
  std::chrono::milliseconds trickle{0};
  // false: answers with "Connection: close" and closes the connection afterwards.
  bool keep_alive = true;
  // Announced as Content-Length instead of body.size(). A larger value leaves the client waiting
  // for bytes that never come: the connection stays open until the client gives up.
  std::optional<std::size_t> content_length;
};

// At namespace scope rather than nested, so that `= {}` default arguments can use its member
// initializers.
struct SinkOptions {
  bool tls = false;
  // What a TLS sink serves; TestCertificates::Make() when absent. Clients trust its ca_pem.
  std::optional<TestCertificates> certificates;
};

class SinkServer {
 public:
  // Decides the answer to a request; `index` counts the requests this sink received, from 0.
  // Runs on the sink's thread, so it must not block: SinkResponse::delay answers slowly without
  // holding up the other connections.
  using Policy = std::function<SinkResponse(const SinkRequest& request, int index)>;

  // Listening when constructed. Throws when it cannot listen or the certificates are unusable.
  explicit SinkServer(SinkOptions options = {});
  ~SinkServer();  // Stop()
  SinkServer(const SinkServer&) = delete;
  SinkServer& operator=(const SinkServer&) = delete;

  // "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT", without a trailing slash; `host` names
  // the sink differently (e.g. "localhost" for a TLS name check). The sink listens on IPv4 only.
  std::string url(std::string_view host = "127.0.0.1") const;
  std::uint16_t port() const;
  bool tls() const;
  // What a TLS sink serves (trust ca_pem to reach it); empty for a plain one.
  const TestCertificates& certificates() const;

  // How the sink answers; changes apply to requests that complete afterwards. A Policy, when
  // set, decides everything; otherwise the setters below do, and SetPolicy(nullptr) returns to
  // them.
  void SetPolicy(Policy policy);
  // The status of every answer (200 until set), with an empty body.
  void SetStatus(int status);
  // The next requests get these statuses, one each, in order; then SetStatus's again.
  void SetStatuses(std::vector<int> statuses);
  void SetDelay(std::chrono::milliseconds delay);
  void SetCloseWithoutResponse(bool close);

  // Closes every open connection now, like a server whose keep-alive timeout ran out. Returns
  // when they are closed.
  void CloseConnections();

  // What the sink saw.
  std::vector<SinkRequest> requests() const;  // a copy, in arrival order
  std::size_t count() const;                  // requests received so far
  // Waits until at least `n` requests have arrived; false when `timeout` passed first.
  bool WaitForCount(std::size_t n, std::chrono::milliseconds timeout) const;
  int connection_count() const;  // TCP connections accepted so far (TLS or not)
  int open_connections() const;  // of which still open
  int in_flight() const;         // requests received and not answered (or dropped) yet
  int max_concurrency() const;   // the most requests that were ever in flight at once

  // Stops listening and drops every connection, abandoning delayed answers: returns promptly
  // whatever is in flight. Idempotent; the recorded requests stay readable.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rehook::testing
