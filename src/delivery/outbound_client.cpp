#include "delivery/outbound_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <stdexcept>

#include "delivery/outbound_connection.h"
#include "delivery/outbound_pool.h"

namespace rehook {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

ssl::context MakeTlsContext(const std::string& ca_file) {
  ssl::context context(ssl::context::tls_client);
  context.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  beast::error_code error;
  // A system without a CA bundle can still deliver to targets trusted through ca_file.
  context.set_default_verify_paths(error);
  if (!ca_file.empty()) {
    context.load_verify_file(ca_file, error);
    if (error) {
      throw std::invalid_argument("ca_file: cannot load trusted certificates from '" + ca_file +
                                  "': " + error.message());
    }
  }
  context.set_verify_mode(ssl::verify_peer);
  return context;
}

}  // namespace

class OutboundShared {
 public:
  explicit OutboundShared(const OutboundClientOptions& options)
      : options_(options),
        policy_(options.allow_private_targets, options.allowed_target_cidrs),
        tls_(MakeTlsContext(options.ca_file)) {}

  const OutboundClientOptions& options() const { return options_; }
  const TargetPolicy& policy() const { return policy_; }
  // Configured once, then only used to create connections, which OpenSSL allows from any
  // thread.
  ssl::context& tls() { return tls_; }

 private:
  OutboundClientOptions options_;
  TargetPolicy policy_;
  ssl::context tls_;
};

std::shared_ptr<OutboundShared> MakeOutboundShared(const OutboundClientOptions& options) {
  return std::make_shared<OutboundShared>(options);
}

const TargetPolicy& PolicyOf(const OutboundShared& shared) { return shared.policy(); }

namespace {

struct ClientState {
  std::shared_ptr<OutboundShared> shared;
  std::shared_ptr<OutboundPool> pool;
};

bool IsTokenChar(char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsTokenChar);
}

// Framing headers come from the body and URL; a caller's copy would contradict them.
bool IsFramingHeader(std::string_view name) {
  return beast::iequals(name, "host") || beast::iequals(name, "content-length") ||
         beast::iequals(name, "transfer-encoding");
}

// No single header field longer than this is sent (servers refuse far shorter ones anyway).
constexpr std::size_t kMaxFieldBytes = 65533;

// A field line; the value without leading or trailing spaces and tabs (optional whitespace in
// HTTP, and what Beast sent before).
void AppendField(std::string& head, std::string_view name, std::string_view value) {
  const auto first = value.find_first_not_of(" \t");
  value = first == std::string_view::npos
              ? std::string_view()
              : value.substr(first, value.find_last_not_of(" \t") - first + 1);
  head.append(name).append(": ").append(value).append("\r\n");
}

// Serializes `request` into `wire`; returns why it cannot be sent, if so. Names and values come
// from captured requests and API users: CR or LF in them would let one header inject others.
// Host comes first, then the caller's headers in their order (repeated names where the caller
// put them), User-Agent (unless the caller sent one) and Content-Length when Beast's
// prepare_payload set it: for any body, and an empty POST, PUT or OPTIONS.
std::optional<std::string> BuildMessage(const OutboundRequest& request,
                                        const std::string& user_agent, WireRequest& wire) {
  if (!IsToken(request.method)) return "invalid request method '" + request.method + "'";
  const std::size_t body_size = request.body ? request.body->size() : 0;
  // RFC 9110 §9.3.8: a client must not send content in a TRACE request.
  if (beast::iequals(request.method, "TRACE") && body_size > 0) {
    return "a TRACE request cannot carry a body (RFC 9110 section 9.3.8)";
  }
  std::string& head = wire.head;
  head.reserve(256 + request.url.target.size());
  head.append(request.method).append(" ").append(request.url.target).append(" HTTP/1.1\r\n");
  AppendField(head, "Host", request.url.HostHeader());
  bool has_user_agent = false;
  for (const HeaderField& field : request.headers) {
    if (!IsToken(field.name)) return "invalid header name '" + field.name + "'";
    if (field.name.size() > kMaxFieldBytes || field.value.size() > kMaxFieldBytes) {
      return "header " + field.name.substr(0, 64) + " is longer than " +
             std::to_string(kMaxFieldBytes) + " bytes";
    }
    if (field.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return "invalid value for header " + field.name + ": line breaks are not allowed";
    }
    if (IsFramingHeader(field.name)) continue;
    has_user_agent = has_user_agent || beast::iequals(field.name, "user-agent");
    AppendField(head, field.name, field.value);
  }
  if (!has_user_agent) AppendField(head, "User-Agent", user_agent);
  // A length for any body, and for an empty one where the method expects content.
  if (body_size > 0 || request.method == "POST" || request.method == "PUT" ||
      request.method == "OPTIONS") {
    AppendField(head, "Content-Length", std::to_string(body_size));
  }
  head.append("\r\n");
  wire.body = request.body;
  wire.head_request = request.method == "HEAD";
  return std::nullopt;
}

std::string PoolKey(const TargetUrl& url) {
  return url.scheme + "://" + url.HostHeader() + ":" + std::to_string(url.port);
}

asio::awaitable<ResolvedTarget> ResolveKeepingPolicy(std::shared_ptr<OutboundShared> shared,
                                                     std::string host, std::uint16_t port) {
  co_return co_await ResolveAllowed(shared->policy(), std::move(host), port);
}

// A lookup running on its own: `done` fires at the deadline or is cancelled with the result.
struct PendingLookup {
  explicit PendingLookup(asio::any_io_executor executor) : done(std::move(executor)) {}
  asio::steady_timer done;
  std::optional<ResolvedTarget> result;
};

// ResolveAllowed before `deadline`, or nullopt. A DNS lookup (getaddrinfo on Asio's resolver
// thread) cannot be cancelled, so it runs as a coroutine of its own and, past the deadline, is
// left to finish unobserved.
asio::awaitable<std::optional<ResolvedTarget>> ResolveBefore(
    const std::shared_ptr<OutboundShared>& shared, const TargetUrl& url,
    OutboundDeadline deadline) {
  if (url.host_is_ip) co_return co_await ResolveAllowed(shared->policy(), url.host, url.port);
  auto executor = co_await asio::this_coro::executor;
  auto lookup = std::make_shared<PendingLookup>(executor);
  lookup->done.expires_at(deadline);
  asio::co_spawn(executor, ResolveKeepingPolicy(shared, url.host, url.port),
                 [lookup, host = url.host](std::exception_ptr error, ResolvedTarget target) {
                   if (error) target.error = "could not resolve " + host;
                   lookup->result = std::move(target);
                   lookup->done.cancel();
                 });
  co_await lookup->done.async_wait(kTuple);
  co_return std::move(lookup->result);
}

// Takes `state` by value: the exchange outlives neither the pool nor the TLS context even if
// the client is destroyed meanwhile.
asio::awaitable<OutboundResult> SendWith(std::shared_ptr<ClientState> state,
                                         OutboundRequest request) {
  const auto start = SteadyClock::now();
  const OutboundDeadline deadline = start + request.timeout;
  const OutboundClientOptions& options = state->shared->options();
  OutboundResult result;
  WireRequest wire;
  if (auto invalid = BuildMessage(request, options.user_agent, wire)) {
    result.error = std::move(*invalid);
    co_return result;
  }
  const ResponseLimits limits{options.max_response_bytes, options.kept_body_bytes};
  const std::string key = PoolKey(request.url);
  auto timeout_text = [&] {
    return "timeout after " + std::to_string(request.timeout.count()) + " ms";
  };
  auto timed_out = [&](const beast::error_code& error) {
    return error == beast::error::timeout || SteadyClock::now() >= deadline;
  };

  std::unique_ptr<OutboundConnection> connection = state->pool->Take(key);
  for (;;) {
    const bool reused = connection != nullptr;
    if (!reused) {
      std::optional<ResolvedTarget> target =
          co_await ResolveBefore(state->shared, request.url, deadline);
      if (!target) {
        result.error = timeout_text();
        co_return result;
      }
      if (!target->ok()) {
        const bool blocked = target->status == ResolvedTarget::Status::kBlocked;
        result.error = blocked ? "blocked: " + target->error : target->error;
        co_return result;
      }
      OutboundConnection::Opened opened = co_await OutboundConnection::Open(
          request.url, target->endpoints, state->shared->tls(), deadline);
      if (!opened.connection) {
        result.error = timed_out(opened.error) ? timeout_text() : opened.error_text;
        co_return result;
      }
      connection = std::move(opened.connection);
    }

    ExchangeOutcome outcome = co_await connection->Exchange(wire, limits, deadline);
    // The server had sent something or closed while the connection sat in the pool, and the
    // pool had not heard of it yet when handing it out: what this exchange read may be those
    // bytes rather than an answer to this request, so it counts as a dead connection.
    const bool stirred = reused && connection->StirredWhileIdle();
    if (outcome.status_code && !stirred) {
      result.status_code = outcome.status_code;
      result.response_time_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
      result.body_prefix = std::move(outcome.body_prefix);
      result.retry_after = std::move(outcome.retry_after);
      if (outcome.reusable) {
        state->pool->Put(key, std::move(connection));
      } else {
        connection->Close();
      }
      co_return result;
    }
    connection->Close();
    connection.reset();
    // A pooled connection the server closed while it sat idle (the close crossed our request):
    // the server never saw the request, so it goes again once, on a new connection. Never once
    // any of the response arrived (the request was then processed), unless the connection had
    // stirred while idle: its bytes cannot be told from a response, and a server that talks out
    // of turn may see the request twice rather than have a stray answer taken for its own.
    if (reused &&
        (stirred || (!outcome.response_started && IsDeadConnectionError(outcome.error))) &&
        SteadyClock::now() < deadline) {
      continue;
    }
    result.error = timed_out(outcome.error) ? timeout_text() : DescribeExchangeFailure(outcome);
    co_return result;
  }
}

}  // namespace

class OutboundClient::Impl {
 public:
  std::shared_ptr<ClientState> state;
};

OutboundClient::OutboundClient(asio::any_io_executor executor,
                               std::shared_ptr<OutboundShared> shared)
    : impl_(std::make_unique<Impl>()) {
  const OutboundClientOptions& options = shared->options();
  auto pool = std::make_shared<OutboundPool>(std::move(executor), options.max_idle_per_host,
                                             options.idle_timeout);
  impl_->state = std::make_shared<ClientState>(ClientState{std::move(shared), std::move(pool)});
}

OutboundClient::~OutboundClient() { impl_->state->pool->Close(); }

// Never throws for anything a request can hold: an exception from below (Beast's parser,
// OpenSSL, an allocation) is a failed attempt that says why, like a refused connection.
asio::awaitable<OutboundResult> SendReportingFailures(std::shared_ptr<ClientState> state,
                                                      OutboundRequest request) {
  try {
    co_return co_await SendWith(std::move(state), std::move(request));
  } catch (const std::exception& e) {
    OutboundResult result;
    result.error = std::string("the request could not be sent: ") + e.what();
    co_return result;
  }
}

asio::awaitable<OutboundResult> OutboundClient::Send(OutboundRequest request) {
  return SendReportingFailures(impl_->state, std::move(request));
}

void OutboundClient::CloseIdle() { impl_->state->pool->Close(); }

}  // namespace rehook
