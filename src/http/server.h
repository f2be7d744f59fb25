#pragma once
// The HTTP/1.1 server: accepts connections, reads requests with limits and timeouts, hands each
// to one RequestHandler and writes its response. One coroutine per connection (read, handle,
// write, repeat while keep-alive). Beast stays inside server.cpp.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/http_types.h"
#include "http/io_pool.h"

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
  std::size_t max_connections = 10000;
  // Bytes read ahead but not yet parsed (a request head, or chunk-size lines, extensions and
  // trailers in a chunked body, which Beast keeps whole until their line ends). Body bytes
  // go straight into the request and do not count.
  std::size_t read_buffer_limit = 1024 * 1024;
  // Told about every response: the request path (empty when the head could not be read), the
  // status and how long the handler took (zero for requests refused while being read). For
  // metrics; must be cheap and thread-safe.
  std::function<void(std::string_view path, int status, std::chrono::steady_clock::duration)>
      on_response;
};

using RequestHandler = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest&)>;
// The largest body accepted for a request target, decided before the body is read.
using BodyLimit = std::function<std::uint64_t(std::string_view target)>;

class HttpServer {
 public:
  HttpServer(IoPool& io, ServerOptions options, RequestHandler handler, BodyLimit body_limit);
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
