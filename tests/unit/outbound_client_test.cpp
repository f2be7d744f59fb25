#include "delivery/outbound_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "delivery/target_url.h"
#include "support/sink_server.h"
#include "support/temp_dir.h"
#include "support/test_certificates.h"

namespace rehook {
namespace {

namespace asio = boost::asio;
using rehook::testing::SinkOptions;
using rehook::testing::SinkRequest;
using rehook::testing::SinkResponse;
using rehook::testing::SinkServer;
using rehook::testing::TestCertificates;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using SteadyClock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Longer than any exchange in these tests takes: past it the client is taken to hang.
constexpr auto kHangLimit = 20s;

TargetUrl Url(const std::string& text) {
  auto parsed = ParseTargetUrl(text, /*require_https=*/false);
  if (const auto* error = std::get_if<std::string>(&parsed)) throw std::invalid_argument(*error);
  return std::get<TargetUrl>(parsed);
}

OutboundRequest Post(const std::string& url, std::string body = "{}",
                     std::vector<HeaderField> headers = {}) {
  OutboundRequest request;
  request.url = Url(url);
  request.headers = std::move(headers);
  request.body = std::make_shared<const std::string>(std::move(body));
  return request;
}

std::int64_t MillisecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start).count();
}

// Every header of `request` but those the client sets itself.
std::vector<std::pair<std::string, std::string>> CallerHeaders(const SinkRequest& request) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const HeaderField& field : request.headers) {
    if (field.name == "Host" || field.name == "Content-Length" || field.name == "User-Agent") {
      continue;
    }
    headers.emplace_back(field.name, field.value);
  }
  return headers;
}

OutboundClientOptions AllowingPrivateTargets() {
  OutboundClientOptions options;
  options.allow_private_targets = true;
  return options;
}

SinkResponse Answer(std::string body) {
  SinkResponse response;
  response.body = std::move(body);
  return response;
}

SinkOptions Tls(std::optional<TestCertificates> certificates = std::nullopt) {
  SinkOptions options;
  options.tls = true;
  options.certificates = std::move(certificates);
  return options;
}

// A port nothing listens on: bound, then released.
std::uint16_t ClosedPort() {
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  return acceptor.local_endpoint().port();
}

class OutboundClientTest : public ::testing::Test {
 protected:
  void SetUp() override { UseOptions(AllowingPrivateTargets()); }

  void UseOptions(const OutboundClientOptions& options) {
    client_.reset();
    client_ = std::make_unique<OutboundClient>(io_.get_executor(), MakeOutboundShared(options));
  }

  // A client trusting the CA of `sink` (a TLS sink) through a CA file, as --ca-file does.
  void TrustCaOf(const SinkServer& sink) {
    OutboundClientOptions options = AllowingPrivateTargets();
    options.ca_file = dir_.path() + "/ca.pem";
    sink.certificates().WriteCaFile(options.ca_file);
    UseOptions(options);
  }

  OutboundResult Send(OutboundRequest request) {
    std::vector<OutboundRequest> requests;
    requests.push_back(std::move(request));
    return SendAll(std::move(requests)).at(0);
  }

  // Runs the sends concurrently on io_, in this thread, until all have completed. Runs one
  // handler at a time rather than io_.run(): an idle pooled connection keeps io_ busy (the
  // pool's sweep timer) long after the responses are in.
  std::vector<OutboundResult> SendAll(std::vector<OutboundRequest> requests) {
    struct Pending {
      std::vector<OutboundResult> results;
      std::size_t done = 0;
      std::exception_ptr failure;
    };
    // Shared with the handlers: after a hang, a late completion must not write to this frame.
    auto pending = std::make_shared<Pending>();
    pending->results.resize(requests.size());
    for (std::size_t i = 0; i < requests.size(); ++i) {
      asio::co_spawn(io_, client_->Send(std::move(requests[i])),
                     [pending, i](std::exception_ptr error, OutboundResult result) {
                       if (error) pending->failure = error;
                       pending->results[i] = std::move(result);
                       ++pending->done;
                     });
    }
    io_.restart();
    const auto give_up = SteadyClock::now() + kHangLimit;
    while (pending->done < requests.size() && SteadyClock::now() < give_up) {
      io_.run_one_until(give_up);
    }
    if (pending->failure) std::rethrow_exception(pending->failure);
    if (pending->done < requests.size()) {
      ADD_FAILURE() << "the client did not complete within the test's hang limit";
    }
    return pending->results;
  }

  // Lets io_ run for `duration` with nothing sent, as the client's thread does between sends.
  void RunIdle(std::chrono::milliseconds duration) {
    io_.restart();
    io_.run_for(duration);
  }

  rehook::testing::TempDir dir_;
  asio::io_context io_;
  std::unique_ptr<OutboundClient> client_;  // after io_: it holds a timer of io_
};

// Whatever a captured request holds, Send answers with a result, never an exception: a TRACE
// with a body, or a header value past 64 KiB, is a failed attempt that says why.
TEST_F(OutboundClientTest, RequestsThatCannotBeSentAreFailedResultsNotExceptions) {
  SinkServer sink;
  OutboundRequest trace = Post(sink.url() + "/hook", "x");
  trace.method = "TRACE";
  OutboundResult traced = Send(std::move(trace));
  EXPECT_EQ(traced.status_code, std::nullopt);
  EXPECT_NE(traced.error.find("TRACE"), std::string::npos) << traced.error;

  OutboundResult huge =
      Send(Post(sink.url() + "/hook", "{}", {{"X-Huge", std::string(70 * 1024, 'a')}}));
  EXPECT_EQ(huge.status_code, std::nullopt);
  EXPECT_NE(huge.error.find("X-Huge"), std::string::npos) << huge.error;
  EXPECT_EQ(sink.count(), 0u);

  OutboundRequest empty_trace = Post(sink.url() + "/hook", "");
  empty_trace.method = "TRACE";
  EXPECT_EQ(Send(std::move(empty_trace)).status_code, 200);  // without a body it is fine
}

TEST_F(OutboundClientTest, DeliversTheBodyBytesAndHeadersExactly) {
  SinkServer sink;
  std::string body;
  for (int i = 0; i < 2 * 256; ++i) body.push_back(static_cast<char>(i % 256));
  body += "\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";  // nothing in a body is framing
  const std::vector<HeaderField> headers = {
      {"Content-Type", "application/octet-stream"}, {"X-Dup", "first"}, {"X-Dup", "second"},
      {"x-lower-case", "kept as spelled"},          {"X-Empty", ""},    {"X-Spaces", "a  b\tc"}};

  OutboundResult result = Send(Post(sink.url() + "/hooks/in?b=2&a=%20", body, headers));

  ASSERT_EQ(result.status_code, 200) << result.error;
  ASSERT_EQ(sink.count(), 1u);
  const SinkRequest request = sink.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/hooks/in?b=2&a=%20");
  EXPECT_EQ(request.body, body);
  EXPECT_THAT(CallerHeaders(request),
              ElementsAre(std::pair("Content-Type", "application/octet-stream"),
                          std::pair("X-Dup", "first"), std::pair("X-Dup", "second"),
                          std::pair("x-lower-case", "kept as spelled"), std::pair("X-Empty", ""),
                          std::pair("X-Spaces", "a  b\tc")));
}

// HTTP gives meaning only to the order among fields of one name: that order holds (and fields
// are sent as the caller ordered them).
TEST_F(OutboundClientTest, KeepsTheOrderOfRepeatedHeaders) {
  SinkServer sink;
  OutboundResult result = Send(
      Post(sink.url(), "{}",
           {{"X-Dup", "1"}, {"X-Other", "a"}, {"X-Dup", "2"}, {"X-Other", "b"}, {"X-Dup", "3"}}));
  ASSERT_EQ(result.status_code, 200) << result.error;
  ASSERT_EQ(sink.count(), 1u);
  const SinkRequest request = sink.requests()[0];
  EXPECT_THAT(request.HeaderValues("X-Dup"), ElementsAre("1", "2", "3"));
  EXPECT_THAT(request.HeaderValues("X-Other"), ElementsAre("a", "b"));
}

TEST_F(OutboundClientTest, SetsHostContentLengthAndUserAgent) {
  SinkServer sink;
  ASSERT_EQ(Send(Post(sink.url() + "/", "12345")).status_code, 200);
  // A caller's framing headers would contradict the real ones: they are replaced, not added.
  ASSERT_EQ(Send(Post(sink.url() + "/", "123",
                      {{"Host", "evil.example"},
                       {"Content-Length", "99"},
                       {"Transfer-Encoding", "chunked"},
                       {"User-Agent", "Stripe/1.0"}}))
                .status_code,
            200);

  ASSERT_EQ(sink.count(), 2u);
  const std::vector<SinkRequest> requests = sink.requests();
  const std::string host = "127.0.0.1:" + std::to_string(sink.port());
  EXPECT_THAT(requests[0].HeaderValues("Host"), ElementsAre(host));
  EXPECT_THAT(requests[0].HeaderValues("Content-Length"), ElementsAre("5"));
  EXPECT_THAT(requests[0].HeaderValues("User-Agent"), ElementsAre("rehook/0.1"));
  EXPECT_THAT(requests[1].HeaderValues("Host"), ElementsAre(host));
  EXPECT_THAT(requests[1].HeaderValues("Content-Length"), ElementsAre("3"));
  EXPECT_THAT(requests[1].HeaderValues("Transfer-Encoding"), IsEmpty());
  EXPECT_THAT(requests[1].HeaderValues("User-Agent"), ElementsAre("Stripe/1.0"));
  EXPECT_EQ(requests[1].body, "123");
}

TEST_F(OutboundClientTest, ReportsEveryStatusAsAResponse) {
  SinkServer sink;
  sink.SetPolicy([](const SinkRequest&, int index) {
    SinkResponse response;
    response.status = index == 0 ? 200 : 500;
    response.body = index == 0 ? "accepted" : std::string(5000, 'e');
    return response;
  });

  OutboundResult ok = Send(Post(sink.url()));
  EXPECT_EQ(ok.status_code, 200);
  EXPECT_TRUE(ok.success());
  EXPECT_EQ(ok.error, "");
  EXPECT_EQ(ok.body_prefix, "accepted");
  ASSERT_TRUE(ok.response_time_ms.has_value());
  EXPECT_GE(*ok.response_time_ms, 0);

  // A server error is still an answer: no error text, the body kept up to kept_body_bytes.
  OutboundResult failed = Send(Post(sink.url()));
  EXPECT_EQ(failed.status_code, 500);
  EXPECT_FALSE(failed.success());
  EXPECT_EQ(failed.error, "");
  EXPECT_EQ(failed.body_prefix, std::string(1024, 'e'));
  EXPECT_TRUE(failed.response_time_ms.has_value());
}

TEST_F(OutboundClientTest, ReportsARefusedConnectionWithoutStatus) {
  OutboundResult result = Send(Post("http://127.0.0.1:" + std::to_string(ClosedPort()) + "/hook"));
  EXPECT_EQ(result.status_code, std::nullopt);
  EXPECT_EQ(result.response_time_ms, std::nullopt);
  EXPECT_EQ(result.error, "Connection refused");
  EXPECT_FALSE(result.success());
}

TEST_F(OutboundClientTest, GivesUpAtTheTimeout) {
  auto sink = std::make_unique<SinkServer>();
  sink->SetDelay(60s);
  OutboundRequest request = Post(sink->url());
  request.timeout = 300ms;

  const auto start = SteadyClock::now();
  OutboundResult result = Send(std::move(request));
  EXPECT_EQ(result.status_code, std::nullopt);
  EXPECT_EQ(result.error, "timeout after 300 ms");
  EXPECT_GE(MillisecondsSince(start), 290);
  EXPECT_LT(MillisecondsSince(start), 5000);
  EXPECT_EQ(sink->count(), 1u);

  // The sink still holds the delayed answer: stopping must not wait for it.
  const auto stop_start = SteadyClock::now();
  sink.reset();
  EXPECT_LT(MillisecondsSince(stop_start), 2000);
}

TEST_F(OutboundClientTest, TimesOutInTheTlsHandshake) {
  // Listens without ever accepting: the kernel completes the TCP handshake, nobody answers the
  // TLS one.
  asio::io_context silent_io;
  asio::ip::tcp::acceptor silent(silent_io, {asio::ip::address_v4::loopback(), 0});
  OutboundRequest request =
      Post("https://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/");
  request.timeout = 300ms;

  const auto start = SteadyClock::now();
  OutboundResult result = Send(std::move(request));
  EXPECT_EQ(result.status_code, std::nullopt);
  EXPECT_EQ(result.error, "timeout after 300 ms");
  EXPECT_LT(MillisecondsSince(start), 5000);
}

TEST_F(OutboundClientTest, ReportsAConnectionClosedWithoutResponse) {
  SinkServer sink;
  sink.SetCloseWithoutResponse(true);
  OutboundResult result = Send(Post(sink.url()));
  EXPECT_EQ(result.status_code, std::nullopt);
  EXPECT_EQ(result.error, "connection closed before the response");
  // A fresh connection is never retried: the request may have been processed.
  EXPECT_EQ(sink.count(), 1u);
}

TEST_F(OutboundClientTest, ReusesAKeepAliveConnection) {
  SinkServer sink;
  EXPECT_EQ(Send(Post(sink.url() + "/1")).status_code, 200);
  EXPECT_EQ(Send(Post(sink.url() + "/2")).status_code, 200);
  EXPECT_EQ(Send(Post(sink.url() + "/3")).status_code, 200);
  EXPECT_EQ(sink.connection_count(), 1);
  EXPECT_EQ(sink.count(), 3u);
}

TEST_F(OutboundClientTest, ReconnectsAfterTheServerClosedAnIdleConnection) {
  SinkServer sink;
  ASSERT_EQ(Send(Post(sink.url() + "/1")).status_code, 200);
  sink.CloseConnections();  // the server's keep-alive timeout
  OutboundResult result = Send(Post(sink.url() + "/2"));
  EXPECT_EQ(result.status_code, 200) << result.error;
  EXPECT_EQ(sink.connection_count(), 2);
  EXPECT_EQ(sink.count(), 2u);
}

// A pooled connection that fails before any of the response arrived is taken for one the server
// closed while idle, and the request goes again once on a new connection. The server cannot be
// told apart from one that read the request and then dropped the connection: that one receives
// the request twice, but never a third time.
TEST_F(OutboundClientTest, ResendsAtMostOnceWhenAPooledConnectionFails) {
  SinkServer sink;
  ASSERT_EQ(Send(Post(sink.url() + "/1")).status_code, 200);
  sink.SetCloseWithoutResponse(true);
  OutboundResult result = Send(Post(sink.url() + "/2"));
  EXPECT_EQ(result.status_code, std::nullopt);
  EXPECT_EQ(result.error, "connection closed before the response");
  EXPECT_EQ(sink.connection_count(), 2);
  const std::vector<SinkRequest> requests = sink.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].target, "/2");
  EXPECT_EQ(requests[2].target, "/2");
}

// A server that answers each connection's first request, then 30 ms later writes a second,
// unasked-for response on it (a broken server writing past its Content-Length, or one sending
// 408 at its idle timeout), and answers nothing more there.
class TalksOutOfTurnServer {
 public:
  TalksOutOfTurnServer() : acceptor_(io_, {asio::ip::address_v4::loopback(), 0}) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~TalksOutOfTurnServer() {
    stopping_ = true;
    boost::system::error_code ignored;
    asio::ip::tcp::socket wake(io_);
    wake.connect(acceptor_.local_endpoint(), ignored);  // ends the blocking accept
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  int connections() const { return connections_; }

 private:
  void Serve() {
    std::vector<asio::ip::tcp::socket> open;  // kept open until the server goes
    for (;;) {
      boost::system::error_code error;
      asio::ip::tcp::socket socket = acceptor_.accept(error);
      if (error || stopping_) return;
      const int number = ++connections_;
      std::string request;
      char chunk[4096];
      while (request.find("\r\n\r\n{}") == std::string::npos) {
        const std::size_t n = socket.read_some(asio::buffer(chunk), error);
        if (error) break;
        request.append(chunk, n);
      }
      const std::string body = "answer " + std::to_string(number);
      asio::write(socket,
                  asio::buffer("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                               "\r\n\r\n" + body),
                  error);
      std::this_thread::sleep_for(30ms);
      asio::write(socket,
                  asio::buffer(std::string("HTTP/1.1 408 Request Timeout\r\n"
                                           "Content-Length: 0\r\n\r\n")),
                  error);
      open.push_back(std::move(socket));
    }
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::atomic<int> connections_ = 0;
  std::atomic<bool> stopping_ = false;
  std::thread thread_;
};

TEST_F(OutboundClientTest, NeverTakesWhatAServerSentOnAnIdleConnectionForTheNextResponse) {
  TalksOutOfTurnServer server;
  OutboundResult first = Send(Post(server.url() + "/1"));
  ASSERT_EQ(first.status_code, 200) << first.error;
  EXPECT_EQ(first.body_prefix, "answer 1");
  RunIdle(200ms);  // the stray response arrives while the connection sits in the pool
  OutboundResult second = Send(Post(server.url() + "/2"));
  EXPECT_EQ(second.status_code, 200) << second.error;
  EXPECT_EQ(second.body_prefix, "answer 2");
  EXPECT_EQ(server.connections(), 2);
}

TEST_F(OutboundClientTest, DoesNotReuseAConnectionTheServerCloses) {
  SinkServer sink;
  sink.SetPolicy([](const SinkRequest&, int) {
    SinkResponse response;
    response.keep_alive = false;
    return response;
  });
  EXPECT_EQ(Send(Post(sink.url())).status_code, 200);
  EXPECT_EQ(Send(Post(sink.url())).status_code, 200);
  EXPECT_EQ(sink.connection_count(), 2);
}

TEST_F(OutboundClientTest, ReadsNoBodyAfterAHeadResponse) {
  SinkServer sink;
  sink.SetPolicy([](const SinkRequest&, int) { return Answer("not sent"); });
  OutboundRequest head = Post(sink.url(), "");
  head.method = "HEAD";
  head.timeout = 5s;
  const auto start = SteadyClock::now();
  OutboundResult result = Send(std::move(head));
  EXPECT_EQ(result.status_code, 200) << result.error;
  EXPECT_EQ(result.body_prefix, "");
  EXPECT_LT(MillisecondsSince(start), 2000);  // did not wait for the announced 8 bytes
  EXPECT_EQ(Send(Post(sink.url())).status_code, 200);
  EXPECT_EQ(sink.connection_count(), 1);
  EXPECT_EQ(sink.requests()[0].method, "HEAD");
}

TEST_F(OutboundClientTest, StopsReadingAHugeResponseAtTheCap) {
  OutboundClientOptions options = AllowingPrivateTargets();
  options.max_response_bytes = 64 * 1024;
  options.kept_body_bytes = 16;
  UseOptions(options);
  SinkServer sink;
  const std::string huge = "0123456789abcdef" + std::string(8 << 20, 'x');
  sink.SetPolicy([&huge](const SinkRequest&, int) { return Answer(huge); });

  OutboundResult result = Send(Post(sink.url()));
  EXPECT_EQ(result.status_code, 200) << result.error;
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.body_prefix, "0123456789abcdef");
  // The rest of the body is still on its way: that connection cannot carry another request.
  sink.SetPolicy(nullptr);
  EXPECT_EQ(Send(Post(sink.url())).status_code, 200);
  EXPECT_EQ(sink.connection_count(), 2);
}

TEST_F(OutboundClientTest, DoesNotWaitForTheRestOfAnEndlessBody) {
  OutboundClientOptions options = AllowingPrivateTargets();
  options.max_response_bytes = 64 * 1024;
  UseOptions(options);
  SinkServer sink;
  // Announces a gigabyte, sends 256 KiB and then nothing, keeping the connection open.
  sink.SetPolicy([](const SinkRequest&, int) {
    SinkResponse response = Answer(std::string(256 * 1024, 'x'));
    response.content_length = 1 << 30;
    return response;
  });
  OutboundRequest request = Post(sink.url());
  request.timeout = 10s;

  const auto start = SteadyClock::now();
  OutboundResult result = Send(std::move(request));
  EXPECT_EQ(result.status_code, 200) << result.error;
  EXPECT_LT(MillisecondsSince(start), 5000);
}

TEST_F(OutboundClientTest, HandlesManyConcurrentSends) {
  SinkServer sink;
  sink.SetDelay(500ms);
  std::vector<OutboundRequest> requests;
  for (int i = 0; i < 64; ++i) requests.push_back(Post(sink.url() + "/" + std::to_string(i)));

  const std::vector<OutboundResult> results = SendAll(std::move(requests));
  for (const OutboundResult& result : results) EXPECT_EQ(result.status_code, 200) << result.error;
  EXPECT_EQ(sink.count(), 64u);
  EXPECT_EQ(sink.connection_count(), 64);
  EXPECT_EQ(sink.max_concurrency(), 64);
  EXPECT_EQ(sink.in_flight(), 0);
}

TEST_F(OutboundClientTest, DeliversOverHttpsToACaFromTheCaFile) {
  SinkServer sink(Tls());
  TrustCaOf(sink);

  OutboundResult by_address = Send(Post(sink.url() + "/by-ip", "secret"));
  EXPECT_EQ(by_address.status_code, 200) << by_address.error;
  // By name: the name is checked against the DNS SAN (and sent as SNI).
  OutboundResult by_name = Send(Post(sink.url("localhost") + "/by-name", "secret"));
  EXPECT_EQ(by_name.status_code, 200) << by_name.error;

  ASSERT_EQ(sink.count(), 2u);
  EXPECT_EQ(sink.requests()[0].body, "secret");
  EXPECT_EQ(sink.requests()[1].Header("Host"), "localhost:" + std::to_string(sink.port()));
}

TEST_F(OutboundClientTest, ReusesAKeepAliveTlsConnection) {
  SinkServer sink(Tls());
  TrustCaOf(sink);
  EXPECT_EQ(Send(Post(sink.url())).status_code, 200);
  EXPECT_EQ(Send(Post(sink.url())).status_code, 200);
  EXPECT_EQ(sink.connection_count(), 1);
}

TEST_F(OutboundClientTest, RefusesACertificateFromAnUntrustedCa) {
  TestCertificates::MakeOptions untrusted;
  untrusted.untrusted_issuer = true;
  SinkServer sink(Tls(TestCertificates::Make(untrusted)));
  TrustCaOf(sink);  // the CA that did not sign the server's certificate

  OutboundResult result = Send(Post(sink.url()));
  EXPECT_EQ(result.status_code, std::nullopt);
  EXPECT_THAT(result.error, StartsWith("TLS handshake failed: certificate verify failed"));
  EXPECT_EQ(sink.count(), 0u);
}

TEST_F(OutboundClientTest, RefusesAnUnknownCaWithoutTheCaFile) {
  // Without the CA file, the throwaway CA is unknown.
  SinkServer sink(Tls());
  OutboundResult result = Send(Post(sink.url()));
  EXPECT_THAT(result.error, HasSubstr("certificate verify failed"));
  EXPECT_EQ(sink.count(), 0u);
}

TEST_F(OutboundClientTest, RefusesACertificateForAnotherHost) {
  TestCertificates::MakeOptions other_host;
  other_host.subject_alt_names = {"DNS:other.example"};
  SinkServer sink(Tls(TestCertificates::Make(other_host)));
  TrustCaOf(sink);

  OutboundResult by_address = Send(Post(sink.url()));
  EXPECT_EQ(by_address.status_code, std::nullopt);
  EXPECT_THAT(by_address.error, StartsWith("TLS handshake failed: certificate verify failed"));
  EXPECT_THAT(by_address.error, HasSubstr("mismatch"));
  OutboundResult by_name = Send(Post(sink.url("localhost")));
  EXPECT_EQ(by_name.status_code, std::nullopt);
  EXPECT_THAT(by_name.error, StartsWith("TLS handshake failed: certificate verify failed"));
  EXPECT_THAT(by_name.error, HasSubstr("mismatch"));
  EXPECT_EQ(sink.count(), 0u);
}

TEST_F(OutboundClientTest, RejectsAnUnreadableCaFile) {
  OutboundClientOptions options;
  options.ca_file = dir_.path() + "/missing.pem";
  EXPECT_THROW(MakeOutboundShared(options), std::invalid_argument);
}

TEST_F(OutboundClientTest, BlocksPrivateTargetsWithoutConnecting) {
  UseOptions(OutboundClientOptions{});
  SinkServer sink;
  const std::string port = std::to_string(sink.port());
  // Every spelling of the sink's address, and a name for it: the guard judges what is connected
  // to, not how the URL writes it.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"http://127.0.0.1:" + port + "/", "blocked: 127.0.0.1 is a loopback address"},
      {"http://0x7f.1:" + port + "/", "blocked: 127.0.0.1 is a loopback address"},
      {"http://2130706433:" + port + "/", "blocked: 127.0.0.1 is a loopback address"},
      {"http://[::ffff:127.0.0.1]:" + port + "/", "blocked: "},
      {"http://[::1]:" + port + "/", "blocked: ::1 is a loopback address"},
      {"http://localhost:" + port + "/", "blocked: localhost resolves to a loopback address"},
  };
  for (const auto& [url, error] : cases) {
    OutboundResult result = Send(Post(url));
    EXPECT_EQ(result.status_code, std::nullopt) << url;
    EXPECT_THAT(result.error, StartsWith(error)) << url;
  }
  EXPECT_FALSE(sink.WaitForCount(1, 100ms));
  EXPECT_EQ(sink.connection_count(), 0);
}

TEST_F(OutboundClientTest, DeliversToAnAllowListedPrivateTarget) {
  OutboundClientOptions options;
  options.allowed_target_cidrs = {"127.0.0.0/8"};
  UseOptions(options);
  SinkServer sink;
  OutboundResult result = Send(Post(sink.url()));
  EXPECT_EQ(result.status_code, 200) << result.error;
}

TEST_F(OutboundClientTest, DoesNotFollowRedirects) {
  SinkServer sink;
  // A redirect is reported, never followed: following it would take the request wherever the
  // destination says, past the guard's decision about the URL.
  sink.SetPolicy([url = sink.url()](const SinkRequest&, int) {
    SinkResponse response;
    response.status = 307;
    response.headers = {{"Location", url + "/elsewhere"}};
    return response;
  });
  OutboundResult result = Send(Post(sink.url() + "/hook"));
  EXPECT_EQ(result.status_code, 307);
  EXPECT_FALSE(result.success());
  EXPECT_EQ(result.error, "");
  EXPECT_FALSE(sink.WaitForCount(2, 100ms));
  EXPECT_EQ(sink.requests().at(0).target, "/hook");
}

TEST_F(OutboundClientTest, RefusesLineBreaksInHeaders) {
  SinkServer sink;
  for (const std::string& value : {std::string("a\r\nX-Injected: 1"), std::string("a\nb"),
                                   std::string("a\rb"), std::string("a\0b", 3)}) {
    OutboundResult result = Send(Post(sink.url(), "{}", {{"X-Value", value}}));
    EXPECT_EQ(result.status_code, std::nullopt);
    EXPECT_EQ(result.error, "invalid value for header X-Value: line breaks are not allowed");
  }
  for (const char* name : {"X-Bad Name", "X-Bad:Name", "X-Bad\r\nName", ""}) {
    OutboundResult result = Send(Post(sink.url(), "{}", {{name, "v"}}));
    EXPECT_EQ(result.status_code, std::nullopt);
    EXPECT_THAT(result.error, StartsWith("invalid header name"));
  }
  OutboundRequest bad_method = Post(sink.url());
  bad_method.method = "POST /x HTTP/1.1\r\nX:";
  EXPECT_THAT(Send(std::move(bad_method)).error, StartsWith("invalid request method"));
  EXPECT_EQ(sink.connection_count(), 0);
  EXPECT_EQ(sink.count(), 0u);
}

}  // namespace
}  // namespace rehook
