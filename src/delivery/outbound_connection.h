#pragma once
// One HTTP/1.1 connection of the outbound client (outbound_client.h), plain or TLS: connecting to
// endpoints the guard allowed, the TLS handshake with certificate and host name checks, and one
// request/response exchange at a time. Internal to delivery/: only the outbound_*.cpp files
// include it, which keeps Beast out of widely included headers.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "delivery/target_url.h"

namespace rehook {

// A request as it goes on the wire: its head, serialized once (request line and header fields,
// up to the empty line), and its body, the caller's shared string.
struct WireRequest {
  std::string head;
  std::shared_ptr<const std::string> body;  // null for none
  bool head_request = false;                // HEAD: no body follows the response head
};
using OutboundDeadline = std::chrono::steady_clock::time_point;

// How one exchange (write the request, read the response) ended.
struct ExchangeOutcome {
  // Set when a response head arrived; the exchange then counts as answered whatever happened
  // to the body afterwards (cut off at the cap, deadline, broken connection).
  std::optional<int> status_code;
  std::string body_prefix;
  std::string retry_after;  // the Retry-After header, as sent; "" for none
  // With a status: whether the connection can carry another request (the body was read to its
  // end, the server keeps the connection open and sent nothing more).
  bool reusable = false;

  // Without a status: what failed, and whether any byte of the response had arrived by then.
  // A request whose response had not started may be sent again on another connection when this
  // one was an idle pooled connection that the server had closed meanwhile.
  boost::beast::error_code error;
  bool failed_while_writing = false;
  bool response_started = false;
};

struct ResponseLimits {
  std::size_t max_response_bytes = 0;  // body bytes read before giving up on the rest
  std::size_t kept_body_bytes = 0;     // body bytes kept as ExchangeOutcome::body_prefix
};

class OutboundConnection {
 public:
  // The connection, or what went wrong: the error and its words ("Connection refused",
  // "TLS handshake failed: certificate verify failed: hostname mismatch"). A failure at the
  // deadline is left for the caller to word, as only it knows the timeout that was asked for.
  struct Opened {
    std::unique_ptr<OutboundConnection> connection;
    boost::beast::error_code error;
    std::string error_text;
  };

  // Connects to the first of `endpoints` that answers (they come from ResolveAllowed: never
  // anything else) and, for https, completes the TLS handshake: the certificate must chain to a
  // CA trusted by `tls` and name `url.host` (a DNS name, or an IP address in an IP SAN).
  static boost::asio::awaitable<Opened> Open(
      const TargetUrl& url, const std::vector<boost::asio::ip::tcp::endpoint>& endpoints,
      boost::asio::ssl::context& tls, OutboundDeadline deadline);

  ~OutboundConnection();
  OutboundConnection(const OutboundConnection&) = delete;
  OutboundConnection& operator=(const OutboundConnection&) = delete;

  // Sends `request` and reads the response head and up to limits.max_response_bytes of body,
  // all before `deadline`.
  boost::asio::awaitable<ExchangeOutcome> Exchange(const WireRequest& request,
                                                   ResponseLimits limits,
                                                   OutboundDeadline deadline);

  // While the connection sits in the pool: a wait for the socket to become readable, which
  // completes when the server sends anything or closes (either way the connection can no longer
  // carry a request). One system call per idle spell: Asio re-arms the socket in its
  // (edge-triggered) epoll set for the wait, which also reports bytes that had arrived before,
  // so nothing the server sent after the response goes unseen. Cheaper ways were measured and
  // left: a pending read also costs a recv per spell, and trusting a connection idle for less
  // than a second (as rehook did before) takes such bytes for the next request's response.
  void WatchWhileIdle();
  // Ends the watch before the connection is used again (no system call).
  void StopWatching();
  // The server sent something or closed since WatchWhileIdle. Known once the watch's
  // completion has run: a connection taken in the instant between its read and that completion
  // reports it only after the next exchange (the caller then distrusts what that exchange read).
  bool StirredWhileIdle() const { return *stirred_; }
  void Close();

  std::chrono::steady_clock::time_point idle_since() const { return idle_since_; }
  void MarkIdle() { idle_since_ = std::chrono::steady_clock::now(); }

 private:
  using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  explicit OutboundConnection(boost::beast::tcp_stream stream);
  OutboundConnection(boost::beast::tcp_stream stream, boost::asio::ssl::context& tls);
  boost::beast::tcp_stream& tcp();

  std::optional<boost::beast::tcp_stream> plain_;
  std::unique_ptr<TlsStream> tls_;
  std::chrono::steady_clock::time_point idle_since_;
  // Shared with the watch's completion, which may run after the connection is gone.
  std::shared_ptr<bool> stirred_ = std::make_shared<bool>(false);
};

// Words for a failed exchange without a response: "connection closed before the response",
// "connection reset before the response", "invalid HTTP response: bad version", ...
std::string DescribeExchangeFailure(const ExchangeOutcome& outcome);

// Errors that mean "the server had closed this connection": the request may be sent again on a
// fresh connection when nothing of the response had arrived.
bool IsDeadConnectionError(const boost::beast::error_code& error);

}  // namespace rehook
