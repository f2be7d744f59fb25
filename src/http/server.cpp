#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <limits>
#include <mutex>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/log.h"
#include "http/api_error.h"
#include "http/connection_stream.h"
#include "http/deadline_sweeper.h"
#include "http/json_response.h"
#include "http/request_parser.h"
#include "http/response_wire.h"
#include "http/tls_certificates.h"

namespace rehook {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// A connection as the shutdown logic sees it. Only touched on the connection's own io thread,
// except the set membership, which the registry guards.
struct LiveConnection {
  tcp::socket* socket = nullptr;  // null once the session has ended
  bool busy = false;              // between reading a request head and writing its reply
};

// How much one read asks for: a whole typical webhook, head and body (reading in Beast's
// 512-byte steps took three system calls for a 1 KB request).
constexpr std::size_t kReadSize = 16 * 1024;

// Reads until `parser` has a whole request head, as http::async_read_header would, but on the
// socket itself: Beast's composed read operations and their per-read timer were ~9 % of an io
// thread's time (time limits are the Deadline's job). Bytes already in `buffer` (a pipelined
// request) are parsed first.
asio::awaitable<beast::error_code> ReadHead(ConnectionStream& stream, beast::flat_buffer& buffer,
                                            RequestParser& parser) {
  beast::error_code ec;
  for (;;) {
    if (buffer.size() > 0) {
      buffer.consume(parser.put(buffer.data(), ec));
      if (ec == http::error::need_more) {
        ec = {};
      } else if (ec || parser.is_header_done()) {
        co_return ec;
      }
    }
    const std::size_t room = std::min(kReadSize, buffer.max_size() - buffer.size());
    if (room == 0) co_return http::error::buffer_overflow;
    auto read =
        stream.Visit([&](auto& s) { return s.async_read_some(buffer.prepare(room), kTuple); });
    auto [read_error, n] = co_await std::move(read);
    if (read_error == asio::error::eof || read_error == asio::ssl::error::stream_truncated) {
      if (!parser.got_some()) co_return http::error::end_of_stream;
      parser.put_eof(ec);
      co_return ec ? ec : beast::error_code(http::error::partial_message);
    }
    if (read_error) co_return read_error;
    buffer.commit(n);
  }
}

// Feeds the parser what `buffer` holds already, as http::async_read would before reading the
// socket, without a trip through the io_context. Returns the parser's error, if any.
beast::error_code ParseBuffered(RequestParser& parser, beast::flat_buffer& buffer) {
  beast::error_code ec;
  parser.eager(true);
  while (!parser.is_done() && buffer.size() > 0) {
    const std::size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec || used == 0) break;
  }
  if (ec == http::error::need_more) ec = {};
  return ec;
}

// RFC 9112 §6.3: a request whose Transfer-Encoding does not end in chunked (e.g. "gzip", or
// "chunked, identity") has no length the server can know; it must be answered 400 and the
// connection closed. Otherwise its body would be read as the next pipelined request. Returns
// why, or nothing for a request framed properly.
std::optional<std::string> UnframeableTransferEncoding(const HttpRequest& request) {
  std::string_view last_coding;
  int chunked = 0;
  bool present = false;
  for (const HeaderField& field : request.headers) {
    if (!EqualsIgnoreCase(field.name, "transfer-encoding")) continue;
    present = true;
    std::string_view rest = field.value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string_view coding = TrimWhitespace(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (coding.empty()) continue;
      last_coding = coding;
      if (EqualsIgnoreCase(coding, "chunked")) ++chunked;
    }
  }
  if (!present) return std::nullopt;
  if (!EqualsIgnoreCase(last_coding, "chunked")) {
    return "Transfer-Encoding must end with chunked (RFC 9112 section 6.3)";
  }
  if (chunked > 1) return "Transfer-Encoding may name chunked only once";
  return std::nullopt;
}

bool IsQuietDisconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == beast::error::timeout ||
         ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
         ec == asio::error::eof || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

}  // namespace

class HttpServer::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(IoPool& io, ServerOptions options, RequestHandler handler, HeadCheck head_check)
      : io_(io),
        options_(std::move(options)),
        handler_(std::move(handler)),
        head_check_(std::move(head_check)),
        acceptor_(io.context(0)) {
    // Limits fire up to one tick late: a tenth of the shortest, between 10 ms and 1 s.
    const auto shortest =
        std::min({options_.head_timeout, options_.body_timeout, options_.write_timeout});
    const auto tick =
        std::clamp(shortest / 10, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
    for (std::size_t i = 0; i < io.size(); ++i) {
      sweepers_.push_back(std::make_unique<DeadlineSweeper>(io.context(i), tick));
    }
  }

  std::uint16_t Start() {
    tcp::endpoint endpoint(asio::ip::make_address(options_.host), options_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(acceptor_.get_executor(), AcceptLoop(shared_from_this()), asio::detached);
    for (std::size_t i = 0; i < sweepers_.size(); ++i) {
      asio::co_spawn(sweepers_[i]->context(), Sweep(shared_from_this(), i), asio::detached);
    }
    return acceptor_.local_endpoint().port();
  }

  void Shutdown() {
    stopping_ = true;
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ignored;
      self->acceptor_.close(ignored);
    });
    std::lock_guard lock(mutex_);
    for (const auto& [connection, executor] : live_) {
      asio::post(executor, [connection = connection] {
        if (connection->socket && !connection->busy) connection->socket->cancel();
      });
    }
    for (auto& sweeper : sweepers_) sweeper->Stop();
  }

  std::size_t open_connections() const {
    std::lock_guard lock(mutex_);
    return live_.size();
  }

 private:
  static asio::awaitable<void> AcceptLoop(std::shared_ptr<Impl> self) {
    while (!self->stopping_) {
      asio::io_context& target = self->io_.Next();
      auto [ec, socket] = co_await self->acceptor_.async_accept(target, kTuple);
      if (ec) {
        if (self->stopping_ || ec == asio::error::operation_aborted) co_return;
        // Out of file descriptors or similar: back off briefly instead of spinning.
        log::Warn("http.accept_failed", {{"error", ec.message()}});
        asio::steady_timer pause(self->acceptor_.get_executor(), std::chrono::milliseconds(50));
        co_await pause.async_wait(kTuple);
        continue;
      }
      auto remote = socket.remote_endpoint(ec);
      std::string client_ip = ec ? std::string() : remote.address().to_string();
      if (!self->OpenFor(client_ip)) {
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto executor = socket.get_executor();
      asio::co_spawn(executor,
                     Serve(self, std::move(socket), std::move(client_ip), self->SweeperOf(target)),
                     asio::detached);
    }
  }

  // Holds the server alive while the sweeper runs (until Shutdown and the last connection).
  static asio::awaitable<void> Sweep(std::shared_ptr<Impl> self, std::size_t index) {
    co_await self->sweepers_[index]->Run();
  }

  DeadlineSweeper& SweeperOf(asio::io_context& context) {
    for (auto& sweeper : sweepers_) {
      if (&sweeper->context() == &context) return *sweeper;
    }
    throw std::logic_error("an io_context without a deadline sweeper");
  }

  // Writes a final error response on a connection that is about to close, then reads and
  // discards what the client is still sending for a moment ("lingering close"): closing with
  // unread data makes the kernel send a reset, and the client would lose the response (a 413
  // answered before the body was sent, typically).
  void CountResponse(std::string_view path, int status,
                     std::chrono::steady_clock::time_point started) const {
    if (options_.on_response) {
      options_.on_response(path, status, std::chrono::steady_clock::now() - started);
    }
  }

  // Counts and writes an error that ends the connection (see WriteErrorAndClose).
  asio::awaitable<void> RefuseAndClose(ConnectionStream& stream, Deadline& deadline,
                                       const ApiError& error, std::string_view path,
                                       std::chrono::steady_clock::time_point started) {
    CountResponse(path, error.status(), started);
    co_await WriteErrorAndClose(stream, deadline, error, options_.write_timeout);
  }

  static asio::awaitable<void> WriteErrorAndClose(ConnectionStream& stream, Deadline& deadline,
                                                  const ApiError& error,
                                                  std::chrono::milliseconds timeout) {
    const HttpResponse response = ErrorResponse(error);
    const std::string head = ResponseHead(response, 11, false);
    const std::array<asio::const_buffer, 2> wire{asio::buffer(head),
                                                 asio::buffer(ResponseBody(response, false))};
    deadline.ExpiresAfter(timeout);
    auto write = stream.Visit([&](auto& s) { return asio::async_write(s, wire, kTuple); });
    auto [write_error, written] = co_await std::move(write);
    if (write_error) co_return;
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    constexpr std::size_t kMaxDrainBytes = 64 << 20;
    std::vector<char> sink(64 * 1024);
    std::size_t drained = 0;
    deadline.ExpiresAfter(std::chrono::seconds(2));
    while (drained < kMaxDrainBytes) {
      auto read =
          stream.Visit([&](auto& s) { return s.async_read_some(asio::buffer(sink), kTuple); });
      auto [read_error, n] = co_await std::move(read);
      if (read_error) break;
      drained += n;
    }
  }

  // A request's share of the body budget, from its head until its response is written.
  class BodyReservation {
   public:
    BodyReservation(Impl& server, const std::string& client_ip)
        : server_(server), client_ip_(client_ip) {}
    ~BodyReservation() { Release(); }
    BodyReservation(const BodyReservation&) = delete;
    BodyReservation& operator=(const BodyReservation&) = delete;

    // False when `bytes` more would pass the total or the client address's share.
    bool Take(std::uint64_t bytes) {
      Release();
      if (!server_.ReserveBody(client_ip_, bytes)) return false;
      bytes_ = bytes;
      return true;
    }
    void Release() {
      if (bytes_ > 0) server_.ReleaseBody(client_ip_, std::exchange(bytes_, 0));
    }

   private:
    Impl& server_;
    const std::string& client_ip_;
    std::uint64_t bytes_ = 0;
  };

  // What the steps of one connection share.
  struct Session {
    Session(Impl& server, tcp::socket socket, std::string client_ip_in, DeadlineSweeper& sweeper)
        : stream(std::move(socket), server.options_.tls ? server.options_.tls->Current() : nullptr),
          client_ip(std::move(client_ip_in)),
          deadline(sweeper, stream.socket()),
          buffer(server.options_.read_buffer_limit),
          body_reservation(server, client_ip) {
      buffer.reserve(kReadSize);
      // Non-blocking for the synchronous write attempted before each asynchronous one (see
      // WriteResponse); should that ever fail, every response takes the asynchronous path. Not
      // over TLS, whose records only the stream itself may write.
      if (stream.tls()) return;
      beast::error_code ec;
      stream.socket().non_blocking(true, ec);
      writes_without_blocking = !ec;
    }

    ConnectionStream stream;
    const std::string client_ip;
    Deadline deadline;
    beast::flat_buffer buffer;
    BodyReservation body_reservation;
    bool writes_without_blocking = false;
  };

  // Why a connection ends before its request is answered: with an error answered first, or
  // quietly (the client went away, a write failed).
  struct Hangup {
    std::optional<ApiError> error;
  };

  // Read, admit, read the body, answer; again while the connection is kept alive.
  static asio::awaitable<void> Serve(std::shared_ptr<Impl> self, tcp::socket socket,
                                     std::string client_ip, DeadlineSweeper& sweeper) {
    Session session(*self, std::move(socket), std::move(client_ip), sweeper);
    auto live = std::make_shared<LiveConnection>();
    live->socket = &session.stream.socket();
    self->Register(live, session.stream.socket().get_executor());
    // Counted out on every way out of this coroutine, an exception's included: a connection
    // that is never counted out would hold its address's slots until a restart.
    struct CountedOut {
      Impl& server;
      const std::shared_ptr<LiveConnection>& live;
      const std::string& client_ip;
      ~CountedOut() {
        live->socket = nullptr;
        server.Unregister(live);
        server.CloseFor(client_ip);
      }
    } counted_out{*self, live, session.client_ip};

    if (session.stream.tls() && !co_await self->Handshake(session)) co_return;
    while (!self->stopping_) {
      live->busy = false;
      session.body_reservation.Release();
      RequestParser parser;
      self->LimitHead(parser);
      std::optional<Hangup> hangup = co_await self->ReceiveHead(session, parser);
      const auto started = std::chrono::steady_clock::now();
      if (hangup) {
        co_await self->HangUp(session, *hangup, "", started);
        break;
      }
      live->busy = true;
      std::variant<HeadVerdict, Hangup> admitted = co_await self->Admit(session, parser);
      if (const Hangup* refused = std::get_if<Hangup>(&admitted)) {
        co_await self->HangUp(session, *refused, parser.request().path, started);
        break;
      }
      const HeadVerdict& verdict = std::get<HeadVerdict>(admitted);
      hangup = co_await self->ReceiveBody(session, parser, verdict.body_limit);
      if (hangup) {
        co_await self->HangUp(session, *hangup, parser.request().path, started);
        break;
      }
      if (!co_await self->Answer(session, parser, verdict, started)) break;
    }

    // Over TLS too, without a close_notify: every response is framed by its length or its
    // chunks, so the client knows it is whole, and waiting for the client's close_notify would
    // hold the connection for nothing.
    beast::error_code ignored;
    session.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  // TLS's handshake, within the head time limit (a client that connects and says nothing is
  // a slow sender like any other). False when it failed; the connection then just closes.
  asio::awaitable<bool> Handshake(Session& session) {
    session.deadline.ExpiresAfter(options_.head_timeout);
    auto handshake = session.stream.Handshake(kTuple);
    auto [error] = co_await std::move(handshake);
    session.deadline.Clear();
    if (error && !IsQuietDisconnect(error)) {
      log::Debug("http.tls_handshake_failed",
                 {{"client_ip", session.client_ip}, {"error", error.message()}});
    }
    co_return !error;
  }

  void LimitHead(RequestParser& parser) const {
    parser.header_limit(static_cast<std::uint32_t>(options_.header_limit));
    // The real limit depends on the target, known only once the head is read; until then
    // Beast must not apply its 1 MB default to the Content-Length it sees in the head.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  }

  // Reads a request head within the head time limit.
  asio::awaitable<std::optional<Hangup>> ReceiveHead(Session& session, RequestParser& parser) {
    session.deadline.ExpiresAfter(options_.head_timeout);
    const beast::error_code read_error = co_await ReadHead(session.stream, session.buffer, parser);
    session.deadline.Clear();
    if (!read_error) co_return std::nullopt;
    if (read_error == http::error::header_limit || read_error == http::error::buffer_overflow) {
      co_return Hangup{ApiError(
          431, "header_too_large",
          "request headers are larger than " + std::to_string(options_.header_limit) + " bytes")};
    }
    if (IsQuietDisconnect(read_error)) co_return Hangup{};
    co_return Hangup{ApiError::BadRequest("malformed HTTP request: " + read_error.message())};
  }

  // Decides from the head alone whether the body will be read, and how much of it may come:
  // before any of it is read or 100 Continue is sent, so a refused request costs the server
  // its head only. A refusal of a request without a body is answered without closing.
  asio::awaitable<std::variant<HeadVerdict, Hangup>> Admit(Session& session,
                                                           RequestParser& parser) {
    const HttpRequest& request = parser.request();
    if (auto unframeable = UnframeableTransferEncoding(request)) {
      co_return Hangup{ApiError::BadRequest(*unframeable)};
    }
    std::optional<HeadVerdict> verdict = head_check_.quick(request);
    if (!verdict) verdict = co_await head_check_.lookup(request);
    const bool has_body = parser.content_length().value_or(0) > 0 || parser.chunked();
    if (verdict->refusal && has_body) co_return Hangup{*verdict->refusal};
    const std::uint64_t limit = verdict->body_limit;
    parser.body_limit(limit);
    if (parser.content_length() && *parser.content_length() > limit) {
      co_return Hangup{ApiError::PayloadTooLarge("the request body is larger than " +
                                                 std::to_string(limit) + " bytes")};
    }
    const std::uint64_t announced =
        parser.content_length() ? *parser.content_length() : (parser.chunked() ? limit : 0);
    if (announced > 0 && !session.body_reservation.Take(announced)) {
      co_return Hangup{ApiError::Unavailable(
          "the server is receiving too many request bodies at once; retry shortly", 1)};
    }
    auto expect = request.Header("expect");
    if (!verdict->refusal && expect && beast::iequals(*expect, "100-continue")) {
      http::response<http::empty_body> go_on{http::status::continue_,
                                             static_cast<unsigned>(parser.version())};
      session.deadline.ExpiresAfter(options_.write_timeout);
      auto write =
          session.stream.Visit([&](auto& s) { return http::async_write(s, go_on, kTuple); });
      auto [continue_error, continue_bytes] = co_await std::move(write);
      session.deadline.Clear();
      if (continue_error) co_return Hangup{};
    }
    co_return std::move(*verdict);
  }

  // Reads the rest of the body within the body time limit.
  asio::awaitable<std::optional<Hangup>> ReceiveBody(Session& session, RequestParser& parser,
                                                     std::uint64_t limit) {
    // A typical webhook's body came in the same read as its head: parse it from the buffer
    // and only go back to the socket for what is still missing.
    beast::error_code body_error = ParseBuffered(parser, session.buffer);
    if (!body_error && !parser.is_done()) {
      session.deadline.ExpiresAfter(options_.body_timeout);
      auto read = session.stream.Visit(
          [&](auto& s) { return http::async_read(s, session.buffer, parser, kTuple); });
      std::tie(body_error, std::ignore) = co_await std::move(read);
      session.deadline.Clear();
    }
    if (!body_error) co_return std::nullopt;
    if (body_error == http::error::body_limit) {
      co_return Hangup{ApiError::PayloadTooLarge("the request body is larger than " +
                                                 std::to_string(limit) + " bytes")};
    }
    if (body_error == http::error::buffer_overflow) {
      co_return Hangup{
          ApiError::BadRequest("a chunk header or trailer of the request body is longer than " +
                               std::to_string(options_.read_buffer_limit) + " bytes")};
    }
    if (IsQuietDisconnect(body_error)) co_return Hangup{};
    co_return Hangup{ApiError::BadRequest("malformed HTTP request body: " + body_error.message())};
  }

  asio::awaitable<void> HangUp(Session& session, const Hangup& hangup, std::string_view path,
                               std::chrono::steady_clock::time_point started) {
    if (!hangup.error) co_return;
    co_await RefuseAndClose(session.stream, session.deadline, *hangup.error, path, started);
  }

  // Answers a request read whole (the head check's refusal, or what the handler says); true
  // when the connection stays open for the next one.
  asio::awaitable<bool> Answer(Session& session, RequestParser& parser, const HeadVerdict& verdict,
                               std::chrono::steady_clock::time_point started) {
    const bool head_request = parser.method() == http::verb::head;
    const auto version = static_cast<unsigned>(parser.version());
    const bool client_keeps_alive = parser.keep_alive();
    HttpRequest& request = parser.request();
    // The peer, or the client a trusted proxy names (--trusted-proxies). Connection limits stay
    // with the peer: they are about sockets.
    request.client_ip = options_.trusted_proxies.ClientOf(session.client_ip, request.headers);
    HttpResponse response;
    if (verdict.refusal) {
      response = ErrorResponse(*verdict.refusal);
      CountResponse(request.path, response.status, started);
    } else {
      response = co_await Handle(request);
    }
    if (response.stream && !head_request) {
      co_await StreamResponse(session, response, version);
      co_return false;
    }
    const bool keep_alive = client_keeps_alive && !response.close_connection && !stopping_;
    const std::string head = ResponseHead(response, version, keep_alive);
    const bool written =
        co_await WriteResponse(session, head, ResponseBody(response, head_request));
    co_return written&& keep_alive;
  }

  // The body of a streamed response as its producer writes it: each write one chunk on
  // HTTP/1.1 (close-delimited on 1.0), under the write time limit. Lives on the connection's
  // io thread; only Abort() comes from elsewhere, and reaches the socket through a post, which
  // finds no session once Finish() has run.
  class StreamedBody final : public BodyStream, public std::enable_shared_from_this<StreamedBody> {
   public:
    StreamedBody(Impl& server, Session& session, bool chunked)
        : server_(server), session_(&session), chunked_(chunked) {}

    asio::awaitable<bool> Write(std::string bytes) override {
      // Still written while the server shuts down: the producer's last words ("shutdown").
      if (aborted_ || !session_ || bytes.empty()) co_return !aborted_ && session_;
      std::string framed;
      if (chunked_) {
        char size[24];
        const int length = std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
        framed.reserve(static_cast<std::size_t>(length) + bytes.size() + 2);
        framed.append(size, static_cast<std::size_t>(length)).append(bytes).append("\r\n");
      } else {
        framed = std::move(bytes);
      }
      Session& session = *session_;
      session.deadline.ExpiresAfter(server_.options_.write_timeout);
      auto write = session.stream.Visit(
          [&](auto& s) { return asio::async_write(s, asio::buffer(framed), kTuple); });
      auto [error, written] = co_await std::move(write);
      session.deadline.Clear();
      co_return !error && !aborted_;
    }

    void Abort() override {
      if (aborted_.exchange(true)) return;
      asio::post(executor_, [self = shared_from_this()] {
        if (self->session_) self->session_->stream.socket().cancel();
      });
    }

    // The response is over: the session may go, and a late Abort() must not reach for it.
    asio::awaitable<void> Finish() {
      if (chunked_ && !aborted_) {
        static constexpr std::string_view kLastChunk = "0\r\n\r\n";
        session_->deadline.ExpiresAfter(server_.options_.write_timeout);
        auto write = session_->stream.Visit(
            [&](auto& s) { return asio::async_write(s, asio::buffer(kLastChunk), kTuple); });
        co_await std::move(write);
        session_->deadline.Clear();
      }
      session_ = nullptr;
    }

   private:
    Impl& server_;
    Session* session_;
    const bool chunked_;
    asio::any_io_executor executor_ = session_->stream.socket().get_executor();
    std::atomic<bool> aborted_{false};
  };

  // Writes a streamed response's head, then lets its producer write the body.
  asio::awaitable<void> StreamResponse(Session& session, HttpResponse& response, unsigned version) {
    const std::string head = ResponseHead(response, version, false);
    if (!co_await WriteResponse(session, head, {})) co_return;
    auto body = std::make_shared<StreamedBody>(*this, session, version != 10);
    try {
      co_await response.stream(body);
    } catch (const std::exception& e) {
      log::Error("http.stream_failed", {{"error", e.what()}});
      body->Abort();
    }
    co_await body->Finish();
  }

  // Usually the socket takes the whole answer at once: it is written without an asynchronous
  // operation (no timer to arm, no completion to queue), waiting only for what is left.
  asio::awaitable<bool> WriteResponse(Session& session, std::string_view head,
                                      std::string_view body) {
    beast::error_code write_error;
    std::size_t sent = 0;
    if (session.writes_without_blocking) {
      const std::array<asio::const_buffer, 2> wire{asio::buffer(head), asio::buffer(body)};
      sent = session.stream.socket().write_some(wire, write_error);
      if (write_error == asio::error::would_block) {
        write_error = {};
        sent = 0;
      }
    }
    if (!write_error && sent < head.size() + body.size()) {
      const std::size_t head_sent = std::min(sent, head.size());
      const std::array<asio::const_buffer, 2> rest{asio::buffer(head) + head_sent,
                                                   asio::buffer(body) + (sent - head_sent)};
      session.deadline.ExpiresAfter(options_.write_timeout);
      auto write =
          session.stream.Visit([&](auto& s) { return asio::async_write(s, rest, kTuple); });
      std::tie(write_error, std::ignore) = co_await std::move(write);
      session.deadline.Clear();
    }
    co_return !write_error;
  }

  // Runs the handler; an exception becomes its JSON error (ApiError) or a 500.
  asio::awaitable<HttpResponse> Handle(HttpRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    // Handlers may move parts of the request away; the path is kept for the observer.
    std::string path = options_.on_response ? request.path : std::string();
    HttpResponse response;
    try {
      response = co_await handler_(request);
    } catch (const ApiError& error) {
      response = ErrorResponse(error);
    } catch (const std::exception& e) {
      log::Error("http.handler_failed", {{"path", request.path}, {"error", e.what()}});
      response = ErrorResponse(ApiError::Internal("internal error"));
    }
    CountResponse(path, response.status, started);
    co_return response;
  }

  void Register(const std::shared_ptr<LiveConnection>& connection,
                const asio::any_io_executor& executor) {
    std::lock_guard lock(mutex_);
    live_.emplace(connection, executor);
  }

  void Unregister(const std::shared_ptr<LiveConnection>& connection) {
    std::lock_guard lock(mutex_);
    live_.erase(connection);
  }

  // Counts a new connection from `client_ip`; false when it would pass either limit.
  bool OpenFor(const std::string& client_ip) {
    std::lock_guard lock(budget_mutex_);
    if (connections_ >= options_.max_connections) return false;
    ClientShare& share = clients_[client_ip];
    if (share.connections >= options_.max_connections_per_ip) {
      if (share.connections == 0 && share.body_bytes == 0) clients_.erase(client_ip);
      return false;
    }
    ++share.connections;
    ++connections_;
    return true;
  }

  void CloseFor(const std::string& client_ip) {
    std::lock_guard lock(budget_mutex_);
    --connections_;
    auto it = clients_.find(client_ip);
    if (it != clients_.end() && --it->second.connections == 0 && it->second.body_bytes == 0) {
      clients_.erase(it);
    }
  }

  bool ReserveBody(const std::string& client_ip, std::uint64_t bytes) {
    std::lock_guard lock(budget_mutex_);
    const std::uint64_t total = options_.max_body_buffer_bytes;
    ClientShare& share = clients_[client_ip];
    // A quarter each, but one request at a time always fits an address holding nothing (a
    // request as large as the body limit must not be refused forever).
    if (body_bytes_ + bytes > total) return false;
    if (share.body_bytes > 0 && share.body_bytes + bytes > total / 4) return false;
    body_bytes_ += bytes;
    share.body_bytes += bytes;
    return true;
  }

  void ReleaseBody(const std::string& client_ip, std::uint64_t bytes) {
    std::lock_guard lock(budget_mutex_);
    body_bytes_ -= bytes;
    clients_[client_ip].body_bytes -= bytes;
  }

  IoPool& io_;
  ServerOptions options_;
  RequestHandler handler_;
  HeadCheck head_check_;
  tcp::acceptor acceptor_;
  std::vector<std::unique_ptr<DeadlineSweeper>> sweepers_;  // one per io_context
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::unordered_map<std::shared_ptr<LiveConnection>, asio::any_io_executor> live_;
  // What each client address holds: connections and reserved body bytes. A mutex of its own:
  // taken per connection and per request body, it should not wait on the registry's.
  std::mutex budget_mutex_;
  struct ClientShare {
    std::size_t connections = 0;
    std::uint64_t body_bytes = 0;
  };
  std::unordered_map<std::string, ClientShare> clients_;
  std::size_t connections_ = 0;
  std::uint64_t body_bytes_ = 0;
};

HttpServer::HttpServer(IoPool& io, ServerOptions options, RequestHandler handler,
                       HeadCheck head_check)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(handler),
                                   std::move(head_check))) {}

HttpServer::~HttpServer() = default;

std::uint16_t HttpServer::Start() { return impl_->Start(); }

void HttpServer::Shutdown() { impl_->Shutdown(); }

std::size_t HttpServer::open_connections() const { return impl_->open_connections(); }

}  // namespace rehook
