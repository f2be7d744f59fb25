#include "support/sink_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "http/http_types.h"
#include "http/request_parser.h"

namespace rehook::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Far above anything a test sends; still a limit, so a runaway client fails its request instead
// of exhausting the test's memory.
constexpr std::uint32_t kHeaderLimit = 1 << 20;
constexpr std::uint64_t kBodyLimit = std::uint64_t{256} << 20;

std::int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A sink coroutine that throws is a bug in the sink or in a test's Policy; it only loses that
// connection, so it is reported as a test failure rather than left to look like a client bug.
void ReportFailure(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "sink connection failed: " << e.what();
  } catch (...) {
    ADD_FAILURE() << "sink connection failed";
  }
}

}  // namespace

std::optional<std::string> SinkRequest::Header(std::string_view name) const {
  for (const HeaderField& field : headers) {
    if (EqualsIgnoreCase(field.name, name)) return field.value;
  }
  return std::nullopt;
}

std::vector<std::string> SinkRequest::HeaderValues(std::string_view name) const {
  std::vector<std::string> values;
  for (const HeaderField& field : headers) {
    if (EqualsIgnoreCase(field.name, name)) values.push_back(field.value);
  }
  return values;
}

struct SinkServer::Impl {
  // How the next request is answered, as decided when it arrives.
  struct Decision {
    int index = 0;
    Policy policy;  // when set, it decides and `response` is unused
    SinkResponse response;
  };

  // Holds one request "in flight" from its arrival until its answer starts (or the connection
  // is dropped), however the connection's coroutine ends, including destruction by Stop.
  // Released before writing rather than after, so that a client holding its response sees the
  // request counted out already.
  class InFlight {
   public:
    explicit InFlight(Impl& impl) : impl_(&impl) {}
    ~InFlight() { Release(); }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

    void Release() {
      if (!impl_) return;
      std::lock_guard lock(impl_->mutex);
      --impl_->in_flight;
      impl_ = nullptr;
    }

   private:
    Impl* impl_;
  };

  // Lists a connection as open for CloseConnections while its coroutine lives.
  class Registration {
   public:
    Registration(Impl& impl, int id, beast::tcp_stream& stream) : impl_(impl), id_(id) {
      impl_.streams.emplace(id_, &stream);
      std::lock_guard lock(impl_.mutex);
      ++impl_.open;
    }
    ~Registration() {
      impl_.streams.erase(id_);
      std::lock_guard lock(impl_.mutex);
      --impl_.open;
    }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

   private:
    Impl& impl_;
    int id_;
  };

  // Records `request` and counts it in flight; the caller owns an InFlight from here on.
  Decision Admit(const SinkRequest& request) {
    Decision decision;
    {
      std::lock_guard lock(mutex);
      decision.index = static_cast<int>(requests.size());
      requests.push_back(request);
      max_in_flight = std::max(max_in_flight, ++in_flight);
      if (policy) {
        decision.policy = policy;
      } else {
        decision.response.status = status;
        if (!statuses.empty()) {
          decision.response.status = statuses.front();
          statuses.pop_front();
        }
        decision.response.delay = delay;
        decision.response.close_without_response = close_without_response;
      }
    }
    arrived.notify_all();
    return decision;
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto [error, socket] = co_await acceptor->async_accept(kTuple);
      if (error == asio::error::operation_aborted || !acceptor->is_open()) co_return;
      if (error) {
        // Out of descriptors, most likely: let connections finish instead of spinning.
        asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(10));
        co_await pause.async_wait(kTuple);
        continue;
      }
      int id = 0;
      {
        std::lock_guard lock(mutex);
        id = ++connections;
      }
      asio::co_spawn(*io, Serve(std::move(socket), id), ReportFailure);
    }
  }

  asio::awaitable<void> Serve(tcp::socket socket, int id) {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    beast::tcp_stream stream(std::move(socket));
    if (!tls_context) {
      Registration registration(*this, id, stream);
      co_await ServeRequests(stream, id);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), *tls_context);
    Registration registration(*this, id, beast::get_lowest_layer(secure));
    // A failed handshake is the client refusing the certificate, as some tests intend.
    auto [handshake_error] = co_await secure.async_handshake(ssl::stream_base::server, kTuple);
    if (handshake_error) co_return;
    co_await ServeRequests(secure, id);
  }

  template <class Stream>
  static asio::awaitable<beast::error_code> Trickle(Stream& stream,
                                                    const http::response<http::string_body>& answer,
                                                    std::chrono::milliseconds interval) {
    std::ostringstream serialized;
    serialized << answer;
    const std::string bytes = serialized.str();
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (char byte : bytes) {
      auto [error, written] = co_await asio::async_write(stream, asio::buffer(&byte, 1), kTuple);
      if (error) co_return error;
      timer.expires_after(interval);
      co_await timer.async_wait(kTuple);
    }
    co_return beast::error_code{};
  }

  template <class Stream>
  asio::awaitable<void> ServeRequests(Stream& stream, int id) {
    beast::flat_buffer buffer;
    for (;;) {
      // rehook's own parser: it keeps headers in arrival order, which Beast's does not.
      RequestParser parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(kBodyLimit);
      auto [read_error, read] = co_await http::async_read(stream, buffer, parser, kTuple);
      if (read_error) co_return;  // the client closed the connection, or sent garbage
      HttpRequest& parsed = parser.request();
      SinkRequest request;
      request.method = std::move(parsed.method);
      request.target = std::move(parsed.target);
      request.headers = std::move(parsed.headers);
      request.body = std::move(parsed.body);
      request.connection = id;
      request.received_at = std::chrono::steady_clock::now();
      request.received_at_ms = SystemNowMs();

      Decision decision = Admit(request);
      InFlight in_flight(*this);
      SinkResponse response =
          decision.policy ? decision.policy(request, decision.index) : std::move(decision.response);
      if (response.delay.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor, response.delay);
        co_await timer.async_wait(kTuple);
      }
      in_flight.Release();
      if (response.close_without_response) {
        beast::get_lowest_layer(stream).close();
        co_return;
      }
      if (response.reset) {
        beast::error_code ignored;
        beast::get_lowest_layer(stream).socket().set_option(asio::socket_base::linger(true, 0),
                                                            ignored);
        beast::get_lowest_layer(stream).close();
        co_return;
      }

      const bool keep_alive = parser.keep_alive() && response.keep_alive;
      http::response<http::string_body> answer;
      answer.version(parser.version());
      answer.result(static_cast<unsigned>(response.status));
      for (const HeaderField& field : response.headers) answer.insert(field.name, field.value);
      answer.keep_alive(keep_alive);
      const std::size_t length = response.content_length.value_or(response.body.size());
      if (parser.method() != http::verb::head) answer.body() = std::move(response.body);
      answer.content_length(length);
      beast::error_code write_error;
      if (response.trickle.count() > 0) {
        write_error = co_await Trickle(stream, answer, response.trickle);
      } else {
        std::tie(write_error, std::ignore) = co_await http::async_write(stream, answer, kTuple);
      }
      if (write_error || !keep_alive) {
        beast::get_lowest_layer(stream).close();
        co_return;
      }
    }
  }

  // Behaviour and observations, shared with the test thread.
  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  Policy policy;
  int status = 200;
  std::deque<int> statuses;
  std::chrono::milliseconds delay{0};
  bool close_without_response = false;
  std::vector<SinkRequest> requests;
  int connections = 0;
  int open = 0;
  int in_flight = 0;
  int max_in_flight = 0;

  // Set up by the constructor, then read-only.
  TestCertificates certificates;
  std::optional<ssl::context> tls_context;
  std::uint16_t port = 0;

  // Serializes Stop and CloseConnections, which both depend on the io thread running.
  std::mutex lifecycle_mutex;
  // The sink's own thread, and what only it touches while it runs. Optional so that Stop can
  // destroy the connection coroutines (and their sockets and timers) while the state above,
  // which their destructors update, still exists.
  std::optional<asio::io_context> io;
  std::optional<tcp::acceptor> acceptor;
  std::unordered_map<int, beast::tcp_stream*> streams;  // open connections by id
  std::thread thread;
};

SinkServer::SinkServer(SinkOptions options) : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  if (options.tls) {
    impl.certificates =
        options.certificates ? std::move(*options.certificates) : TestCertificates::Make();
    impl.tls_context.emplace(ssl::context::tls_server);
    SSL_CTX_set_min_proto_version(impl.tls_context->native_handle(), TLS1_2_VERSION);
    impl.tls_context->use_certificate_chain(asio::buffer(impl.certificates.cert_pem));
    impl.tls_context->use_private_key(asio::buffer(impl.certificates.key_pem), ssl::context::pem);
  }
  impl.io.emplace();
  impl.acceptor.emplace(*impl.io);
  const tcp::endpoint endpoint(asio::ip::address_v4::loopback(), 0);
  impl.acceptor->open(endpoint.protocol());
  impl.acceptor->bind(endpoint);
  impl.acceptor->listen(asio::socket_base::max_listen_connections);
  impl.port = impl.acceptor->local_endpoint().port();
  asio::co_spawn(*impl.io, impl.Accept(), ReportFailure);
  impl.thread = std::thread([&impl] { impl.io->run(); });
}

SinkServer::~SinkServer() { Stop(); }

std::string SinkServer::url(std::string_view host) const {
  return std::string(tls() ? "https://" : "http://")
      .append(host)
      .append(":")
      .append(std::to_string(impl_->port));
}

std::uint16_t SinkServer::port() const { return impl_->port; }

bool SinkServer::tls() const { return impl_->tls_context.has_value(); }

const TestCertificates& SinkServer::certificates() const { return impl_->certificates; }

void SinkServer::SetPolicy(Policy policy) {
  std::lock_guard lock(impl_->mutex);
  impl_->policy = std::move(policy);
}

void SinkServer::SetStatus(int status) {
  std::lock_guard lock(impl_->mutex);
  impl_->status = status;
}

void SinkServer::SetStatuses(std::vector<int> statuses) {
  std::lock_guard lock(impl_->mutex);
  impl_->statuses.assign(statuses.begin(), statuses.end());
}

void SinkServer::SetDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(impl_->mutex);
  impl_->delay = delay;
}

void SinkServer::SetCloseWithoutResponse(bool close) {
  std::lock_guard lock(impl_->mutex);
  impl_->close_without_response = close;
}

void SinkServer::CloseConnections() {
  Impl& impl = *impl_;
  std::lock_guard lifecycle(impl.lifecycle_mutex);
  if (!impl.io) return;
  std::promise<void> closed;
  // On the sink's thread: the streams belong to it. Each connection's coroutine then ends with
  // operation_aborted and unregisters itself.
  asio::post(*impl.io, [&impl, &closed] {
    for (auto& [id, stream] : impl.streams) stream->close();
    closed.set_value();
  });
  closed.get_future().wait();
}

std::vector<SinkRequest> SinkServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::size_t SinkServer::count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests.size();
}

bool SinkServer::WaitForCount(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->arrived.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

int SinkServer::connection_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->connections;
}

int SinkServer::open_connections() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->open;
}

int SinkServer::in_flight() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->in_flight;
}

int SinkServer::max_concurrency() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->max_in_flight;
}

void SinkServer::Stop() {
  Impl& impl = *impl_;
  std::lock_guard lifecycle(impl.lifecycle_mutex);
  if (!impl.io) return;
  // Stopping the loop rather than cancelling each connection: a delayed answer or a stuck
  // handshake then cannot hold Stop up. What was pending is destroyed with the io_context.
  impl.io->stop();
  if (impl.thread.joinable()) impl.thread.join();
  impl.acceptor.reset();
  impl.io.reset();
}

}  // namespace rehook::testing
