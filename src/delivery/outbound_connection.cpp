#include "delivery/outbound_connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <array>

namespace rehook {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Response heads larger than this are refused; the read buffer leaves room for one head plus
// some body bytes, so memory per exchange stays bounded whatever the server sends.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
constexpr std::size_t kReadBufferLimit = 2 * kHeaderLimit;

// Parses one response, keeping only what an attempt records: the status, the Retry-After
// header, the body's first bytes and how many there were. No header fields are stored (a
// response's head costs no allocation) and body bytes are counted, then dropped.
class ResponseReader final : public http::basic_parser<false> {
 public:
  explicit ResponseReader(std::size_t kept_body_bytes) : kept_body_bytes_(kept_body_bytes) {
    header_limit(kHeaderLimit);
    body_limit(boost::none);  // the cap is the caller's: it counts and stops reading
  }

  int status() const { return status_; }
  std::string& retry_after() { return retry_after_; }
  std::string& body_prefix() { return body_prefix_; }
  std::size_t body_bytes() const { return body_bytes_; }

 private:
  void on_request_impl(http::verb, beast::string_view, beast::string_view, int,
                       beast::error_code&) override {}
  void on_response_impl(int code, beast::string_view, int, beast::error_code&) override {
    status_ = code;
  }
  void on_field_impl(http::field name, beast::string_view, beast::string_view value,
                     beast::error_code&) override {
    // The first, as a consumer sending two would most likely mean.
    if (name == http::field::retry_after && retry_after_.empty()) {
      retry_after_.assign(value.data(), value.size());
    }
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, beast::error_code&) override {}
  std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    return Keep(body);
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body,
                                 beast::error_code&) override {
    return Keep(body);
  }
  void on_finish_impl(beast::error_code&) override {}

  std::size_t Keep(beast::string_view body) {
    if (body_prefix_.size() < kept_body_bytes_) {
      body_prefix_.append(body.data(),
                          std::min(body.size(), kept_body_bytes_ - body_prefix_.size()));
    }
    body_bytes_ += body.size();
    return body.size();
  }

  const std::size_t kept_body_bytes_;
  int status_ = 0;
  std::string retry_after_;
  std::string body_prefix_;
  std::size_t body_bytes_ = 0;
};

// OpenSSL's reason for an error of Asio's ssl category ("certificate verify failed"), without
// the library name that Asio's message() appends.
std::string SslReason(const beast::error_code& error) {
  const auto code = static_cast<unsigned long>(static_cast<unsigned int>(error.value()));
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : error.message();
}

bool IsSslLibraryError(const beast::error_code& error) {
  return error.category() == asio::error::get_ssl_category();
}

std::string DescribeTlsFailure(const beast::error_code& error, SSL* ssl) {
  std::string what;
  if (IsSslLibraryError(error)) {
    what = SslReason(error);
    const auto code = static_cast<unsigned long>(static_cast<unsigned int>(error.value()));
    if (ERR_GET_REASON(code) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
      const long verdict = SSL_get_verify_result(ssl);
      if (verdict != X509_V_OK) what += std::string(": ") + X509_verify_cert_error_string(verdict);
    }
  } else if (error == ssl::error::stream_truncated || error == asio::error::eof) {
    what = "the server closed the connection";
  } else {
    what = error.message();
  }
  return "TLS handshake failed: " + what;
}

// Sets what the server's certificate must name: a DNS name (also sent as SNI) or an IP address
// (checked against IP SANs; no SNI, which RFC 6066 only defines for names).
bool SetExpectedPeer(SSL* ssl, const TargetUrl& url) {
  if (url.host_is_ip) {
    return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str()) == 1;
  }
  std::string name = url.host;
  if (!name.empty() && name.back() == '.') name.pop_back();  // "example.com." is example.com
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set_tlsext_host_name(ssl, name.c_str()) == 1 && SSL_set1_host(ssl, name.c_str()) == 1;
}

template <class Stream>
asio::awaitable<ExchangeOutcome> ExchangeOn(Stream& stream, beast::tcp_stream& tcp,
                                            const WireRequest& request, ResponseLimits limits,
                                            OutboundDeadline deadline) {
  ExchangeOutcome outcome;
  tcp.expires_at(deadline);
  // Head and body in one write (one sendmsg for a plain connection; Beast's ssl_stream joins
  // small buffers into one TLS record).
  const std::array<asio::const_buffer, 2> wire{
      asio::buffer(request.head),
      request.body ? asio::buffer(*request.body) : asio::const_buffer()};
  auto [write_error, written] = co_await asio::async_write(stream, wire, kTuple);
  if (write_error) {
    outcome.error = write_error;
    outcome.failed_while_writing = true;
    co_return outcome;
  }

  beast::flat_buffer buffer(kReadBufferLimit);
  std::optional<ResponseReader> response;
  bool interim_seen = false;
  for (;;) {
    response.emplace(limits.kept_body_bytes);
    if (request.head_request) response->skip(true);
    auto [read_error, head_bytes] =
        co_await http::async_read_header(stream, buffer, *response, kTuple);
    if (read_error) {
      outcome.error = read_error;
      outcome.response_started = interim_seen || response->got_some() || buffer.size() > 0;
      co_return outcome;
    }
    const int status = response->status();
    // An interim response (100 Continue after an Expect header, 103 Early Hints) is followed
    // by the real one. 101 is final: there is no upgrade to perform, so it is just reported.
    if (status >= 100 && status < 200 && status != 101) {
      interim_seen = true;
      continue;
    }
    outcome.status_code = status;
    outcome.retry_after = std::move(response->retry_after());
    break;
  }

  while (!response->is_done()) {
    auto [read_error, n] = co_await http::async_read_some(stream, buffer, *response, kTuple);
    if (read_error) break;
    if (!response->is_done() && response->body_bytes() > limits.max_response_bytes) break;
  }
  outcome.body_prefix = std::move(response->body_prefix());
  // Bytes after the body would be a response to nothing: such a connection is not reused.
  outcome.reusable = response->is_done() && response->keep_alive() && buffer.size() == 0;
  co_return outcome;
}

bool IsHttpParseError(const beast::error_code& error) {
  return error.category() == beast::error_code(http::error::bad_version).category();
}

}  // namespace

OutboundConnection::OutboundConnection(beast::tcp_stream stream) : plain_(std::move(stream)) {}

OutboundConnection::OutboundConnection(beast::tcp_stream stream, ssl::context& tls)
    : tls_(std::make_unique<TlsStream>(std::move(stream), tls)) {}

OutboundConnection::~OutboundConnection() = default;

beast::tcp_stream& OutboundConnection::tcp() {
  return tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
}

asio::awaitable<OutboundConnection::Opened> OutboundConnection::Open(
    const TargetUrl& url, const std::vector<tcp::endpoint>& endpoints, ssl::context& tls,
    OutboundDeadline deadline) {
  Opened opened;
  beast::tcp_stream stream(co_await asio::this_coro::executor);
  stream.expires_at(deadline);
  auto [connect_error, endpoint] = co_await stream.async_connect(endpoints, kTuple);
  if (connect_error) {
    opened.error = connect_error;
    opened.error_text = connect_error.message();
    co_return opened;
  }
  beast::error_code ignored;
  // Head and body go out in one write, but Nagle would still hold back the last segment of a
  // large request until the previous one is acknowledged.
  stream.socket().set_option(tcp::no_delay(true), ignored);

  if (!url.https()) {
    opened.connection.reset(new OutboundConnection(std::move(stream)));
    co_return opened;
  }
  std::unique_ptr<OutboundConnection> connection(new OutboundConnection(std::move(stream), tls));
  SSL* ssl = connection->tls_->native_handle();
  if (!SetExpectedPeer(ssl, url)) {
    opened.error = asio::error::invalid_argument;
    opened.error_text = "TLS handshake failed: cannot check a certificate for " + url.host;
    co_return opened;
  }
  connection->tls_->set_verify_mode(ssl::verify_peer);
  auto [handshake_error] =
      co_await connection->tls_->async_handshake(ssl::stream_base::client, kTuple);
  if (handshake_error) {
    opened.error = handshake_error;
    opened.error_text = DescribeTlsFailure(handshake_error, ssl);
    co_return opened;
  }
  opened.connection = std::move(connection);
  co_return opened;
}

asio::awaitable<ExchangeOutcome> OutboundConnection::Exchange(const WireRequest& request,
                                                              ResponseLimits limits,
                                                              OutboundDeadline deadline) {
  ExchangeOutcome outcome;
  if (tls_) {
    outcome = co_await ExchangeOn(*tls_, tcp(), request, limits, deadline);
  } else {
    outcome = co_await ExchangeOn(*plain_, tcp(), request, limits, deadline);
  }
  tcp().expires_never();
  co_return outcome;
}

void OutboundConnection::WatchWhileIdle() {
  // The raw socket, also under TLS: any byte (a close_notify alert, say) ends the connection's
  // use. A wait, not a read: nothing is consumed, and the wait's epoll_ctl replaces the read's
  // recv, which Asio tries at once after every read that returned data.
  tcp().socket().async_wait(asio::socket_base::wait_read,
                            [stirred = stirred_](const beast::error_code& error) {
                              if (error != asio::error::operation_aborted) *stirred = true;
                            });
}

void OutboundConnection::StopWatching() {
  beast::error_code ignored;
  tcp().socket().cancel(ignored);
}

void OutboundConnection::Close() { tcp().close(); }

std::string DescribeExchangeFailure(const ExchangeOutcome& outcome) {
  const beast::error_code& error = outcome.error;
  const bool reset = error == asio::error::connection_reset || error == asio::error::broken_pipe ||
                     error == asio::error::connection_aborted;
  if (outcome.failed_while_writing) {
    if (reset) return "connection reset while sending the request";
    return "could not send the request: " + error.message();
  }
  const char* when =
      outcome.response_started ? " during the response head" : " before the response";
  if (error == http::error::end_of_stream || error == http::error::partial_message ||
      error == asio::error::eof || error == ssl::error::stream_truncated) {
    return std::string("connection closed") + when;
  }
  if (reset) return std::string("connection reset") + when;
  if (error == http::error::header_limit || error == http::error::buffer_overflow) {
    return "invalid HTTP response: the response head is larger than " +
           std::to_string(kHeaderLimit) + " bytes";
  }
  if (IsHttpParseError(error)) return "invalid HTTP response: " + error.message();
  if (IsSslLibraryError(error)) return "TLS error: " + SslReason(error);
  return "no response: " + error.message();
}

bool IsDeadConnectionError(const beast::error_code& error) {
  return error == http::error::end_of_stream || error == asio::error::eof ||
         error == ssl::error::stream_truncated || error == asio::error::connection_reset ||
         error == asio::error::broken_pipe || error == asio::error::connection_aborted ||
         error == asio::error::not_connected || error == asio::error::bad_descriptor;
}

}  // namespace rehook
