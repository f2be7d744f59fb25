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

}  // namespace

std::string PathSegment(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

struct ApiClient::Endpoint {
  TargetUrl url;
  std::string path_prefix;  // the base URL's path without its trailing '/'
  std::string display;      // scheme://host:port, for messages
  std::optional<ssl::context> tls;
};

// One exchange on a fresh connection; failures throw CliError(unavailable) naming the step.
struct ApiClient::Exchange {
  static asio::awaitable<RawReply> Run(Endpoint& endpoint,
                                       http::request<http::string_body> request) {
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
    if (!endpoint.tls) co_return co_await WriteAndRead(stream, request, endpoint.display);

    beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(stream), *endpoint.tls);
    ExpectPeer(tls_stream.native_handle(), url);
    co_await tls_stream.async_handshake(ssl::stream_base::client,
                                        asio::redirect_error(asio::use_awaitable, error));
    if (error) {
      Unavailable("TLS handshake with " + endpoint.display +
                  " failed: " + DescribeTlsFailure(error, tls_stream.native_handle()));
    }
    co_return co_await WriteAndRead(tls_stream, request, endpoint.display);
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

ApiReply ApiClient::Call(const std::string& method, const std::string& path,
                         const QueryParams& query, const boost::json::value& body) {
  std::string target = endpoint_->path_prefix + path;
  char separator = '?';
  for (const auto& [name, value] : query) {
    target += separator + PathSegment(name) + "=" + PathSegment(value);
    separator = '&';
  }
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, endpoint_->url.HostHeader());
  request.set(http::field::user_agent, kUserAgent);
  request.set(http::field::accept, "application/json");
  request.set("X-API-Key", settings_.api_key);
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
    ExitCode outcome = ExitCodeForStatus(raw.status);
    if (outcome != ExitCode::ok) {
      std::string reason = DescribeErrorReply(raw.status, raw.body);
      // Name the request when the answer is not the API's own: a failing server, a proxy, a
      // --url that points somewhere else.
      if (outcome == ExitCode::unavailable || !IsApiErrorReply(raw.body)) {
        reason = method + " " + where + ": " + reason;
      }
      throw CliError(outcome, reason);
    }
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

}  // namespace rehook::cli
