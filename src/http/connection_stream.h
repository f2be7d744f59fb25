#pragma once
// One accepted connection as the server reads and writes it: the TCP socket itself, or TLS over
// it (--tls-cert). Both kinds run the same request loop; each operation is sent to the stream
// the connection has (a variant, not a virtual interface, so the plain path costs a branch and
// no allocation). Deadlines, cancellation and shutdown work on the TCP socket underneath.
// Internal to the server (server.cpp).

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <memory>
#include <utility>
#include <variant>

namespace rehook {

class ConnectionStream {
 public:
  using Tcp = boost::asio::ip::tcp::socket;
  using Tls = boost::asio::ssl::stream<Tcp>;

  // Plain TCP when `context` is null, else TLS with it. The context is kept for the
  // connection's life: a reload swaps the server's, not this one. Built in place (the TLS
  // stream is never moved once made).
  ConnectionStream(Tcp socket, std::shared_ptr<boost::asio::ssl::context> context)
      : context_(std::move(context)), stream_(Make(std::move(socket), context_.get())) {}
  ConnectionStream(const ConnectionStream&) = delete;
  ConnectionStream& operator=(const ConnectionStream&) = delete;

  bool tls() const { return std::holds_alternative<Tls>(stream_); }

  // The TCP socket: for deadlines, cancel, shutdown, and plain writes without blocking.
  Tcp& socket() {
    if (Tls* secure = std::get_if<Tls>(&stream_)) return secure->next_layer();
    return std::get<Tcp>(stream_);
  }

  // Calls `operation` with the stream (an async operation on it: reads and writes of either
  // kind have the same completion type, so the result is one awaitable type).
  template <class Operation>
  decltype(auto) Visit(Operation&& operation) {
    return std::visit(std::forward<Operation>(operation), stream_);
  }

  // TLS's server handshake; nothing to do for plain TCP. Same completion token as Visit's users.
  template <class Token>
  auto Handshake(Token token) {
    return std::get<Tls>(stream_).async_handshake(boost::asio::ssl::stream_base::server, token);
  }

 private:
  static std::variant<Tcp, Tls> Make(Tcp socket, boost::asio::ssl::context* context) {
    if (context == nullptr)
      return std::variant<Tcp, Tls>(std::in_place_type<Tcp>, std::move(socket));
    return std::variant<Tcp, Tls>(std::in_place_type<Tls>, std::move(socket), *context);
  }

  std::shared_ptr<boost::asio::ssl::context> context_;
  std::variant<Tcp, Tls> stream_;
};

}  // namespace rehook
