#include "support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>
#include <variant>

#include "http/http_types.h"

namespace rehook::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::optional<std::string> HttpResult::Header(std::string_view name) const {
  for (const auto& field : headers) {
    if (EqualsIgnoreCase(field.name, name)) return field.value;
  }
  return std::nullopt;
}

boost::json::value HttpResult::Json() const {
  boost::json::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec)
    throw std::runtime_error("response is not JSON (status " + std::to_string(status) +
                             "): " + body);
  return value;
}

std::string HttpResult::ErrorCode() const {
  boost::json::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) return "";
  const auto* error = value.as_object().if_contains("error");
  if (!error || !error->is_object()) return "";
  const auto* code = error->as_object().if_contains("code");
  return code && code->is_string() ? std::string(code->get_string()) : "";
}

namespace {

// Runs one asynchronous operation to completion. Async, because Beast's stream timeouts
// (expires_after) only apply to asynchronous operations: a hung server fails the call instead
// of hanging the test.
template <class Start>
beast::error_code RunToCompletion(asio::io_context& io, Start start) {
  beast::error_code result = asio::error::operation_aborted;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

}  // namespace

struct HttpClient::Connection {
  using Tls = beast::ssl_stream<beast::tcp_stream>;

  explicit Connection(const std::string& trusted_ca_pem) {
    if (trusted_ca_pem.empty()) {
      stream.emplace<beast::tcp_stream>(io);
      return;
    }
    context.add_certificate_authority(asio::buffer(trusted_ca_pem));
    context.set_verify_mode(asio::ssl::verify_peer);
    stream.emplace<Tls>(io, context);
  }
  beast::tcp_stream& tcp() {
    if (Tls* tls = std::get_if<Tls>(&stream)) return tls->next_layer();
    return std::get<beast::tcp_stream>(stream);
  }

  asio::io_context io;
  asio::ssl::context context{asio::ssl::context::tls_client};
  std::variant<std::monostate, beast::tcp_stream, Tls> stream;
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(std::string host, std::uint16_t port)
    : host_(std::move(host)), port_(port) {}
HttpClient::HttpClient(std::string host, std::uint16_t port, std::string trusted_ca_pem)
    : host_(std::move(host)), port_(port), trusted_ca_pem_(std::move(trusted_ca_pem)) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

void HttpClient::SetDefaultHeader(std::string name, std::string value) {
  default_headers_.push_back({std::move(name), std::move(value)});
}

void HttpClient::SetTimeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

HttpResult HttpClient::Request(const std::string& method, const std::string& target,
                               const std::string& body, const std::vector<HeaderField>& headers) {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, host_ + ":" + std::to_string(port_));
  for (const auto& field : default_headers_) request.insert(field.name, field.value);
  for (const auto& field : headers) request.insert(field.name, field.value);
  request.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    request.prepare_payload();
  }

  // One retry on a fresh connection: the server may have closed an idle keep-alive one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool fresh = false;
    if (!connection_) {
      connection_ = std::make_unique<Connection>(trusted_ca_pem_);
      tcp::resolver resolver(connection_->io);
      auto endpoints = resolver.resolve(host_, std::to_string(port_));
      connection_->tcp().expires_after(timeout_);
      auto ec = RunToCompletion(connection_->io, [&](auto handler) {
        connection_->tcp().async_connect(endpoints, handler);
      });
      if (auto* tls = std::get_if<Connection::Tls>(&connection_->stream); tls && !ec) {
        connection_->tcp().expires_after(timeout_);
        ec = RunToCompletion(connection_->io, [&](auto handler) {
          tls->async_handshake(asio::ssl::stream_base::client, handler);
        });
      }
      if (ec) {
        connection_.reset();
        throw std::runtime_error("cannot connect to " + host_ + ":" + std::to_string(port_) + ": " +
                                 ec.message());
      }
      fresh = true;
    }
    Connection& c = *connection_;
    // Each step on whichever stream the connection has (plain or TLS).
    auto on_stream = [&c](auto step) {
      return std::visit(
          [&](auto& stream) -> beast::error_code {
            if constexpr (std::is_same_v<std::decay_t<decltype(stream)>, std::monostate>) {
              return asio::error::not_connected;
            } else {
              return step(stream);
            }
          },
          c.stream);
    };
    c.tcp().expires_after(timeout_);
    auto ec = on_stream([&](auto& stream) {
      return RunToCompletion(c.io,
                             [&](auto handler) { http::async_write(stream, request, handler); });
    });
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    if (method == "HEAD") parser.skip(true);
    if (!ec) {
      c.tcp().expires_after(timeout_);
      ec = on_stream([&](auto& stream) {
        return RunToCompletion(
            c.io, [&](auto handler) { http::async_read(stream, c.buffer, parser, handler); });
      });
    }
    if (ec) {
      connection_.reset();
      if (fresh)
        throw std::runtime_error("HTTP " + method + " " + target + " failed: " + ec.message());
      continue;
    }
    auto response = parser.release();
    HttpResult result;
    result.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      result.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    result.body = std::move(response.body());
    if (!response.keep_alive()) connection_.reset();
    return result;
  }
  throw std::runtime_error("HTTP " + method + " " + target + " failed");
}

HttpResult HttpClient::Get(const std::string& target, const std::vector<HeaderField>& headers) {
  return Request("GET", target, "", headers);
}

HttpResult HttpClient::Delete(const std::string& target) { return Request("DELETE", target); }

HttpResult HttpClient::PostJson(const std::string& target, const boost::json::value& body) {
  return Request("POST", target, boost::json::serialize(body),
                 {{"Content-Type", "application/json"}});
}

HttpResult HttpClient::PatchJson(const std::string& target, const boost::json::value& body) {
  return Request("PATCH", target, boost::json::serialize(body),
                 {{"Content-Type", "application/json"}});
}

std::string RawExchange(std::uint16_t port, const std::string& bytes,
                        std::chrono::milliseconds timeout) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(timeout);
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  auto ec = RunToCompletion(io, [&](auto handler) { stream.async_connect(endpoint, handler); });
  if (ec) throw std::runtime_error("cannot connect: " + ec.message());
  stream.expires_after(timeout);
  ec = RunToCompletion(
      io, [&](auto handler) { asio::async_write(stream, asio::buffer(bytes), handler); });
  std::string received;
  char chunk[4096];
  while (!ec) {
    size_t n = 0;
    stream.expires_after(timeout);
    ec = RunToCompletion(io, [&](auto handler) {
      stream.async_read_some(asio::buffer(chunk),
                             [&n, handler](beast::error_code e, size_t got) mutable {
                               n = got;
                               handler(e);
                             });
    });
    received.append(chunk, n);
  }
  return received;
}

}  // namespace rehook::testing
