#include "delivery/outbound_connection.h"

#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <array>
#include <cerrno>

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
constexpr std::size_t kBodyChunkBytes = 16 * 1024;

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
                                            const OutboundMessage& message, bool head_request,
                                            ResponseLimits limits, OutboundDeadline deadline) {
  ExchangeOutcome outcome;
  tcp.expires_at(deadline);
  auto [write_error, written] = co_await http::async_write(stream, message, kTuple);
  if (write_error) {
    outcome.error = write_error;
    outcome.failed_while_writing = true;
    co_return outcome;
  }

  beast::flat_buffer buffer(kReadBufferLimit);
  std::optional<http::response_parser<http::buffer_body>> parser;
  bool interim_seen = false;
  for (;;) {
    parser.emplace();
    parser->header_limit(kHeaderLimit);
    parser->body_limit(boost::none);  // the cap below is ours: read, count, discard
    if (head_request) parser->skip(true);
    auto [read_error, head_bytes] =
        co_await http::async_read_header(stream, buffer, *parser, kTuple);
    if (read_error) {
      outcome.error = read_error;
      outcome.response_started = interim_seen || parser->got_some() || buffer.size() > 0;
      co_return outcome;
    }
    const int status = parser->get().result_int();
    // An interim response (100 Continue after an Expect header, 103 Early Hints) is followed
    // by the real one. 101 is final: there is no upgrade to perform, so it is just reported.
    if (status >= 100 && status < 200 && status != 101) {
      interim_seen = true;
      continue;
    }
    outcome.status_code = status;
    if (auto retry_after = parser->get().find(http::field::retry_after);
        retry_after != parser->get().end()) {
      outcome.retry_after = std::string(retry_after->value());
    }
    break;
  }

  std::array<char, kBodyChunkBytes> chunk;
  std::size_t received = 0;
  bool complete = parser->is_done();
  while (!complete) {
    auto& body = parser->get().body();
    body.data = chunk.data();
    body.size = chunk.size();
    auto [read_error, n] = co_await http::async_read(stream, buffer, *parser, kTuple);
    const std::size_t got = chunk.size() - parser->get().body().size;
    if (outcome.body_prefix.size() < limits.kept_body_bytes) {
      outcome.body_prefix.append(
          chunk.data(), std::min(got, limits.kept_body_bytes - outcome.body_prefix.size()));
    }
    received += got;
    if (read_error && read_error != http::error::need_buffer) break;
    complete = parser->is_done();
    if (!complete && received > limits.max_response_bytes) break;
  }
  // Bytes after the body would be a response to nothing: such a connection is not reused.
  outcome.reusable = complete && parser->keep_alive() && buffer.size() == 0;
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

asio::awaitable<ExchangeOutcome> OutboundConnection::Exchange(const OutboundMessage& message,
                                                              bool head_request,
                                                              ResponseLimits limits,
                                                              OutboundDeadline deadline) {
  ExchangeOutcome outcome;
  if (tls_) {
    outcome = co_await ExchangeOn(*tls_, tcp(), message, head_request, limits, deadline);
  } else {
    outcome = co_await ExchangeOn(*plain_, tcp(), message, head_request, limits, deadline);
  }
  tcp().expires_never();
  co_return outcome;
}

bool OutboundConnection::LooksAlive() {
  auto& socket = tcp().socket();
  if (!socket.is_open()) return false;
  char byte;
  const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  // 0 is the server's FIN; a byte would be something no request asked for (for TLS most likely
  // a close_notify alert).
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
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
