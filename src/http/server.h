#pragma once
// The HTTP/1.1 server: accepts connections, reads requests with limits and timeouts, hands each
// to one RequestHandler and writes its response. One coroutine per connection (read, handle,
// write, repeat while keep-alive). Beast stays inside server.cpp.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/api_error.h"
#include "http/http_types.h"
#include "http/io_pool.h"
#include "http/tls_certificates.h"
#include "http/trusted_proxies.h"

namespace rehook {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port (see HttpServer::Start)
  std::size_t header_limit = 64 * 1024;
  // From the end of one response until the next request head is complete; bounds idle keep-alive
  // connections and slow (slowloris) senders alike.
  std::chrono::milliseconds head_timeout{30000};
  std::chrono::milliseconds body_timeout{60000};
  std::chrono::milliseconds write_timeout{30000};
  // Connections at once, in all and from one client address; further ones are closed at once.
  std::size_t max_connections = 10000;
  std::size_t max_connections_per_ip = 1000;
  // Request body bytes being received at once, counted by what each request announces (its
  // Content-Length, or its target's body limit when chunked) from its head until its response
  // is written. Past it a request is answered 503 before its body is read, and its connection
  // closed. A client address may hold at most a quarter (but one request at a time always, when
  // it holds nothing), so a single sender cannot starve the others.
  std::uint64_t max_body_buffer_bytes = 512ull << 20;
  // Bytes read ahead but not yet parsed (a request head, or chunk-size lines, extensions and
  // trailers in a chunked body, which Beast keeps whole until their line ends). Body bytes
  // go straight into the request and do not count.
  std::size_t read_buffer_limit = 1024 * 1024;
  // Peers whose X-Forwarded-For/Forwarded headers name the client (HttpRequest::client_ip).
  TrustedProxies trusted_proxies;
  // Serve HTTPS with these (each new connection takes the current certificate); null: HTTP.
  std::shared_ptr<TlsCertificates> tls;
  // Told about every response: the request path (empty when the head could not be read), the
  // status and how long the handler took (zero for requests refused while being read). For
  // metrics; must be cheap and thread-safe.
  std::function<void(std::string_view path, int status, std::chrono::steady_clock::duration)>
      on_response;
};

using RequestHandler = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest&)>;

// What the server may know of a request from its head alone, before reading the body (and before
// answering `Expect: 100-continue`): the largest body accepted for it, or an error that refuses
// it at once (an unknown capture source: 404 without reading 10 MiB first).
struct HeadVerdict {
  std::uint64_t body_limit = 0;
  std::optional<ApiError> refusal;
};
struct HeadCheck {
  // Decides from what is at hand (a cache), the usual case, without a coroutine of its own;
  // nullopt when it must look something up first, which `lookup` then does.
  std::function<std::optional<HeadVerdict>(const HttpRequest&)> quick;
  std::function<boost::asio::awaitable<HeadVerdict>(const HttpRequest&)> lookup;
};

class HttpServer {
 public:
  HttpServer(IoPool& io, ServerOptions options, RequestHandler handler, HeadCheck head_check);
  ~HttpServer();

  // Binds and starts accepting. Returns the port actually bound. Throws on bind failure.
  std::uint16_t Start();

  // Stops accepting and closes idle connections; requests in flight finish and get their
  // response, then their connections close. Returns at once; IoPool::Drain waits.
  void Shutdown();

  std::size_t open_connections() const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace rehook
