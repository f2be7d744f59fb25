#include "cli/api_client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>
#include <array>
#include <thread>
#include <variant>

#include "cli/exit_codes.h"
#include "delivery/target_url.h"

namespace rehook::cli {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxReplyBytes = 64 << 20;  // 250 events with headers fit many times over
constexpr int kAttemptsWhenRateLimited = 4;
constexpr int kLongestRetryAfterSeconds = 10;
constexpr const char* kUserAgent = "rehook-cli/0.1";

struct RawReply {
  int status = 0;
  std::string body;
  std::string retry_after;
};

[[noreturn]] void Unavailable(const std::string& message) {
  throw CliError(ExitCode::unavailable, message);
}

// What the server's certificate must name: a DNS name (also sent as SNI) or an IP address.
void ExpectPeer(SSL* ssl, const TargetUrl& url) {
  bool set = false;
  if (url.host_is_ip) {
    set = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str()) == 1;
  } else {
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    set = SSL_set_tlsext_host_name(ssl, url.host.c_str()) == 1 &&
          SSL_set1_host(ssl, url.host.c_str()) == 1;
  }
  if (!set) Unavailable("cannot check a TLS certificate for host " + url.host);
}

std::string DescribeTlsFailure(const beast::error_code& error, SSL* ssl) {
  std::string what = error.message();
  if (error.category() == asio::error::get_ssl_category()) {
    const long verdict = SSL_get_verify_result(ssl);
    if (verdict != X509_V_OK) what += std::string(": ") + X509_verify_cert_error_string(verdict);
  }
  return what;
}

template <class Stream>
asio::awaitable<RawReply> WriteAndRead(Stream& stream,
                                       const http::request<http::string_body>& request,
                                       const std::string& where) {
  beast::error_code error;
  co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, error));
  if (error) Unavailable("lost the connection to " + where + ": " + error.message());
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxReplyBytes);
  co_await http::async_read(stream, buffer, parser,
                            asio::redirect_error(asio::use_awaitable, error));
  if (error) Unavailable("no complete answer from " + where + ": " + error.message());
  RawReply reply;
  reply.status = static_cast<int>(parser.get().result_int());
  reply.body = std::move(parser.get().body());
  if (auto it = parser.get().find(http::field::retry_after); it != parser.get().end()) {
    reply.retry_after = std::string(it->value());
  }
  co_return reply;
}

// Sends `request` and reads the answer's head. Not 200: the rest of the answer, to be refused
// like any other. 200: the body, handed to `on_bytes` as it comes (an empty RawReply).
template <class Stream>
asio::awaitable<RawReply> ReadStreamed(Stream& stream,
                                       const http::request<http::string_body>& request,
                                       const std::string& where, std::chrono::milliseconds idle,
                                       const std::function<bool(std::string_view)>& on_bytes) {
  beast::error_code error;
  auto& socket = beast::get_lowest_layer(stream);
  socket.expires_after(idle);
  co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, error));
  if (error) Unavailable("lost the connection to " + where + ": " + error.message());
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  socket.expires_after(idle);
  co_await http::async_read_header(stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, error));
  if (error) Unavailable("no answer from " + where + ": " + error.message());
  if (parser.get().result_int() != 200) {
    http::response_parser<http::string_body> whole(std::move(parser));
    whole.body_limit(kMaxReplyBytes);
    socket.expires_after(idle);
    co_await http::async_read(stream, buffer, whole,
                              asio::redirect_error(asio::use_awaitable, error));
    co_return RawReply{static_cast<int>(whole.get().result_int()), whole.get().body(), ""};
  }
  std::array<char, 16384> chunk;
  while (!parser.is_done()) {
    // Whatever has arrived, not a full buffer: events must go on as they come.
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    socket.expires_after(idle);
    co_await http::async_read_some(stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, error));
    if (error == http::error::need_buffer) error = {};
    if (error == beast::error::timeout) {
      Unavailable(where + " sent nothing for " + std::to_string(idle.count() / 1000) + " s");
    }
    if (error) Unavailable("lost the stream from " + where + ": " + error.message());
    const std::size_t got = chunk.size() - parser.get().body().size;
    if (got > 0 && !on_bytes(std::string_view(chunk.data(), got))) break;
  }
  co_return RawReply{200, "", ""};
}

}  // namespace

std::string PathSegment(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

struct ApiClient::Endpoint {
  TargetUrl url;
  std::string path_prefix;  // the base URL's path without its trailing '/'
  std::string display;      // scheme://host:port, for messages
  std::optional<ssl::context> tls;
  std::string api_key;

  // The request target of `path` with `query` percent-encoded.
  std::string Target(const std::string& path, const QueryParams& query) const;
  // A request with the headers every call sends (host, agent, key).
  http::request<http::string_body> NewRequest(const std::string& method, const std::string& target,
                                              const std::string& accept) const;
};

// One exchange on a fresh connection; failures throw CliError(unavailable) naming the step.
struct ApiClient::Exchange {
  static asio::awaitable<RawReply> Run(Endpoint& endpoint,
                                       http::request<http::string_body> request) {
    co_return co_await Over(
        endpoint, [&](auto& stream) { return WriteAndRead(stream, request, endpoint.display); });
  }

  // Connects (and shakes hands, for https), then runs `talk(stream)` on the connection.
  template <class Talk>
  static asio::awaitable<RawReply> Over(Endpoint& endpoint, Talk talk) {
    auto executor = co_await asio::this_coro::executor;
    const TargetUrl& url = endpoint.url;
    beast::error_code error;
    tcp::resolver resolver(executor);
    auto addresses = co_await resolver.async_resolve(
        url.host, std::to_string(url.port), asio::redirect_error(asio::use_awaitable, error));
    if (error) Unavailable("cannot resolve " + url.host + ": " + error.message());
    beast::tcp_stream stream(executor);
    co_await stream.async_connect(addresses, asio::redirect_error(asio::use_awaitable, error));
    if (error) Unavailable("cannot connect to " + endpoint.display + ": " + error.message());
    if (!endpoint.tls) co_return co_await talk(stream);

    beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(stream), *endpoint.tls);
    ExpectPeer(tls_stream.native_handle(), url);
    co_await tls_stream.async_handshake(ssl::stream_base::client,
                                        asio::redirect_error(asio::use_awaitable, error));
    if (error) {
      Unavailable("TLS handshake with " + endpoint.display +
                  " failed: " + DescribeTlsFailure(error, tls_stream.native_handle()));
    }
    co_return co_await talk(tls_stream);
  }
};

ApiClient::ApiClient(ApiClientSettings settings)
    : settings_(std::move(settings)), endpoint_(std::make_unique<Endpoint>()) {
  auto parsed = ParseTargetUrl(settings_.base_url, false, "--url");
  if (auto* problem = std::get_if<std::string>(&parsed)) throw CliError(ExitCode::usage, *problem);
  endpoint_->url = std::get<TargetUrl>(std::move(parsed));
  const std::string& target = endpoint_->url.target;
  if (target.find('?') != std::string::npos) {
    throw CliError(ExitCode::usage, "--url must not have a query string: " + settings_.base_url);
  }
  endpoint_->path_prefix = target.substr(0, target.find_last_not_of('/') + 1);
  endpoint_->display = endpoint_->url.scheme + "://" + endpoint_->url.HostHeader();
  endpoint_->api_key = settings_.api_key;
  if (endpoint_->url.https()) {
    endpoint_->tls.emplace(ssl::context::tls_client);
    beast::error_code error;
    endpoint_->tls->set_default_verify_paths(error);
    if (!settings_.ca_file.empty()) {
      endpoint_->tls->load_verify_file(settings_.ca_file, error);
      if (error) {
        throw CliError(ExitCode::usage, "cannot read CA certificates from " + settings_.ca_file +
                                            ": " + error.message());
      }
    }
    endpoint_->tls->set_verify_mode(ssl::verify_peer);
  }
}

ApiClient::~ApiClient() = default;

std::string ApiClient::Endpoint::Target(const std::string& path, const QueryParams& query) const {
  std::string target = path_prefix + path;
  char separator = '?';
  for (const auto& [name, value] : query) {
    target += separator + PathSegment(name) + "=" + PathSegment(value);
    separator = '&';
  }
  return target;
}

http::request<http::string_body> ApiClient::Endpoint::NewRequest(const std::string& method,
                                                                 const std::string& target,
                                                                 const std::string& accept) const {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, url.HostHeader());
  request.set(http::field::user_agent, kUserAgent);
  request.set(http::field::accept, accept);
  request.set("X-API-Key", api_key);
  return request;
}

// Throws the CliError a non-2xx answer means.
static void RequireSuccess(const std::string& method, const std::string& where,
                           const RawReply& raw) {
  ExitCode outcome = ExitCodeForStatus(raw.status);
  if (outcome == ExitCode::ok) return;
  std::string reason = DescribeErrorReply(raw.status, raw.body);
  // Name the request when the answer is not the API's own: a failing server, a proxy, a --url
  // that points somewhere else.
  if (outcome == ExitCode::unavailable || !IsApiErrorReply(raw.body)) {
    reason = method + " " + where + ": " + reason;
  }
  throw CliError(outcome, reason);
}

ApiReply ApiClient::Call(const std::string& method, const std::string& path,
                         const QueryParams& query, const boost::json::value& body) {
  const std::string target = endpoint_->Target(path, query);
  http::request<http::string_body> request =
      endpoint_->NewRequest(method, target, "application/json");
  if (!body.is_null()) {
    request.set(http::field::content_type, "application/json");
    request.body() = boost::json::serialize(body);
  }
  request.prepare_payload();

  const std::string where = endpoint_->display + target;
  for (int attempt = 1;; ++attempt) {
    asio::io_context io;
    auto reply = asio::co_spawn(io, Exchange::Run(*endpoint_, request), asio::use_future);
    io.run_for(settings_.timeout);
    if (reply.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      Unavailable("no answer from " + where + " within " +
                  std::to_string(settings_.timeout.count()) + " ms");
    }
    RawReply raw = reply.get();
    if (raw.status == 429 && attempt < kAttemptsWhenRateLimited) {
      // Rate-limited requests are refused before any handler runs, so sending again is safe.
      int wait = std::clamp(std::atoi(raw.retry_after.c_str()), 1, kLongestRetryAfterSeconds);
      std::this_thread::sleep_for(std::chrono::seconds(wait));
      continue;
    }
    RequireSuccess(method, where, raw);
    ApiReply result{raw.status, nullptr};
    if (raw.body.empty()) return result;
    boost::json::error_code error;
    result.json = boost::json::parse(raw.body, error);
    if (error) {
      Unavailable(method + " " + where + " answered HTTP " + std::to_string(raw.status) +
                  " with a body that is not JSON; is this a rehook server?");
    }
    return result;
  }
}

void ApiClient::Stream(const std::string& path, const QueryParams& query,
                       const std::vector<std::pair<std::string, std::string>>& headers,
                       std::chrono::milliseconds idle,
                       const std::function<bool(std::string_view)>& on_bytes,
                       const std::function<bool()>& stop_requested) {
  Receive("GET", "text/event-stream", path, query, headers, idle, on_bytes, stop_requested);
}

void ApiClient::Download(const std::string& path, const QueryParams& query,
                         std::chrono::milliseconds idle,
                         const std::function<bool(std::string_view)>& on_bytes) {
  Receive("POST", "*/*", path, query, {}, idle, on_bytes, [] { return false; });
}

void ApiClient::Receive(const std::string& method, const std::string& accept,
                        const std::string& path, const QueryParams& query,
                        const std::vector<std::pair<std::string, std::string>>& headers,
                        std::chrono::milliseconds idle,
                        const std::function<bool(std::string_view)>& on_bytes,
                        const std::function<bool()>& stop_requested) {
  const std::string target = endpoint_->Target(path, query);
  http::request<http::string_body> request = endpoint_->NewRequest(method, target, accept);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.prepare_payload();
  const std::string where = endpoint_->display + target;

  asio::io_context io;
  auto reply = asio::co_spawn(
      io,
      Exchange::Over(
          *endpoint_,
          [&](auto& stream) { return ReadStreamed(stream, request, where, idle, on_bytes); }),
      asio::use_future);
  while (reply.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    if (stop_requested()) return;  // the io_context goes, and the connection with it
    io.run_for(std::chrono::milliseconds(200));
  }
  RequireSuccess(method, where, reply.get());
}

}  // namespace rehook::cli
