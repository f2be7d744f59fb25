// Capture through the real binary: what arrives at /in/{source} is stored exactly.
#include <gtest/gtest.h>

#include <random>

#include "common/encoding.h"
#include "http/http_types.h"
#include "support/api_helpers.h"
#include "support/cli_runner.h"
#include "support/rehook_process.h"
#include "support/temp_dir.h"

namespace rehook::testing {
namespace {

class CaptureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = std::make_unique<HttpClient>(server_.Admin());
    source_id_ = CreateSource(*admin_);
  }

  boost::json::value GetEvent(const std::string& id) {
    auto response = admin_->Get("/v1/events/" + id);
    EXPECT_EQ(response.status, 200) << response.body;
    return response.Json();
  }

  // The event body as bytes, whichever of body / body_base64 the API chose.
  static std::string BodyBytes(const boost::json::value& event) {
    const auto& object = event.as_object();
    if (object.contains("body_base64")) {
      return Base64Decode(std::string(object.at("body_base64").as_string())).value();
    }
    return std::string(object.at("body").as_string());
  }

  RehookProcess server_{RehookOptions{{"--max-body-bytes", "200000"}}};
  std::unique_ptr<HttpClient> admin_;
  std::string source_id_;
};

TEST_F(CaptureTest, BinaryBodiesRoundTripByteForByte) {
  std::string every_byte;
  for (int i = 0; i < 256; ++i) every_byte.push_back(static_cast<char>(i));
  std::mt19937 random(42);
  std::string noise(150000, '\0');
  for (char& c : noise) c = static_cast<char>(random());

  HttpClient client = server_.Client();
  for (const std::string& body : {every_byte, noise, std::string("\xc3\x28 invalid utf8")}) {
    auto response = client.Request("POST", "/in/" + source_id_, body,
                                   {{"Content-Type", "application/octet-stream"}});
    ASSERT_EQ(response.status, 200) << response.body;
    auto event = GetEvent(JsonString(response.Json(), "id"));
    EXPECT_EQ(BodyBytes(event), body);
    EXPECT_EQ(event.at("size").as_int64(), static_cast<std::int64_t>(body.size()));
    EXPECT_TRUE(event.as_object().contains("body_base64"));
  }
}

// A body near the default limit: its event, base64 in JSON, is an answer several times larger
// than a socket's send buffer, so the server's write goes out in many pieces.
TEST(LargeCaptureTest, ABodyNearTheLimitComesBackWholeInAnAnswerLargerThanTheSocketBuffer) {
  RehookProcess server;
  HttpClient admin = server.Admin();
  const std::string source_id = CreateSource(admin);
  std::mt19937 random(7);
  std::string body(9 << 20, '\0');
  for (char& c : body) c = static_cast<char>(random());

  auto captured = server.Client().Request("POST", "/in/" + source_id, body,
                                          {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(captured.status, 200) << captured.body;
  auto response = admin.Get("/v1/events/" + JsonString(captured.Json(), "id"));
  ASSERT_EQ(response.status, 200);
  EXPECT_GT(response.body.size(), std::size_t{8} << 20);  // a socket buffer is at most 4 MiB here
  auto event = response.Json();
  EXPECT_EQ(Base64Decode(std::string(event.as_object().at("body_base64").as_string())).value(),
            body);
}

TEST_F(CaptureTest, TextBodiesComeBackAsText) {
  HttpClient client = server_.Client();
  std::string body = R"({"name":"J\u00fcrgen","emoji":"✓ 😀"})";
  auto event = GetEvent(Capture(client, source_id_, body));
  EXPECT_EQ(event.at("body").as_string(), body);
  EXPECT_FALSE(event.as_object().contains("body_base64"));
}

TEST_F(CaptureTest, EveryMethodIsCapturedWithPathAndQuery) {
  HttpClient client = server_.Client();
  for (std::string method : {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    auto response =
        client.Request(method, "/in/" + source_id_ + "/hooks/" + method + "?m=" + method,
                       method == "GET" ? "" : "payload");
    ASSERT_EQ(response.status, 200) << method << " " << response.body;
    auto event = GetEvent(JsonString(response.Json(), "id"));
    EXPECT_EQ(event.at("method").as_string(), method);
    EXPECT_EQ(event.at("path").as_string(), "/hooks/" + method);
    EXPECT_EQ(event.at("query").as_string(), "m=" + method);
  }
  // HEAD gets the status and headers but no body.
  auto head = client.Request("HEAD", "/in/" + source_id_);
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(CaptureTest, RepeatedHeadersKeepOrderAndCase) {
  HttpClient client = server_.Client();
  auto response = client.Request("POST", "/in/" + source_id_, "{}",
                                 {{"X-Trace", "first"},
                                  {"Stripe-Signature", "t=1,v1=abc"},
                                  {"x-trace", "second"},
                                  {"X-Trace", "third"}});
  ASSERT_EQ(response.status, 200);
  auto event = GetEvent(JsonString(response.Json(), "id"));
  std::vector<std::pair<std::string, std::string>> traces;
  for (const auto& field : event.at("raw_headers").as_array()) {
    std::string name(field.at("name").as_string());
    if (EqualsIgnoreCase(name, "x-trace")) traces.emplace_back(name, field.at("value").as_string());
  }
  ASSERT_EQ(traces.size(), 3u);
  EXPECT_EQ(traces[0], (std::pair<std::string, std::string>{"X-Trace", "first"}));
  EXPECT_EQ(traces[1], (std::pair<std::string, std::string>{"x-trace", "second"}));
  EXPECT_EQ(traces[2], (std::pair<std::string, std::string>{"X-Trace", "third"}));
  EXPECT_EQ(event.at("headers").at("x-trace").as_string(), "first, second, third");
  EXPECT_EQ(event.at("headers").at("stripe-signature").as_string(), "t=1,v1=abc");
}

TEST_F(CaptureTest, InterleavedHeadersKeepTheirExactArrivalOrder) {
  // Raw bytes: an HTTP client library might regroup repeated headers before sending them.
  std::string reply = RawExchange(server_.port(), "POST /in/" + source_id_ +
                                                      " HTTP/1.1\r\n"
                                                      "Host: example\r\n"
                                                      "X-Dup: 1\r\n"
                                                      "X-Other: a\r\n"
                                                      "x-dup: 2\r\n"
                                                      "Content-Length: 2\r\n"
                                                      "Connection: close\r\n\r\n{}");
  auto start = reply.find("{\"id\":\"");
  ASSERT_NE(start, std::string::npos) << reply;
  std::string id = reply.substr(start + 7, reply.find('"', start + 7) - start - 7);
  auto event = GetEvent(id);
  std::vector<std::string> names;
  for (const auto& field : event.at("raw_headers").as_array()) {
    names.emplace_back(field.at("name").as_string());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"Host", "X-Dup", "X-Other", "x-dup", "Content-Length",
                                             "Connection"}));
}

TEST_F(CaptureTest, UnicodeQueryStringsAreKeptRawAndDecoded) {
  HttpClient client = server_.Client();
  std::string query = "name=J%C3%BCrgen&check=%E2%9C%93&plus=a+b&empty=&flag";
  auto response = client.Request("POST", "/in/" + source_id_ + "/caf%C3%A9?" + query, "x");
  ASSERT_EQ(response.status, 200) << response.body;
  auto event = GetEvent(JsonString(response.Json(), "id"));
  EXPECT_EQ(event.at("query").as_string(), query);
  EXPECT_EQ(event.at("path").as_string(), "/caf%C3%A9");
  const auto& params = event.at("query_params");
  EXPECT_EQ(params.at("name").as_string(), "Jürgen");
  EXPECT_EQ(params.at("check").as_string(), "✓");
  EXPECT_EQ(params.at("plus").as_string(), "a b");
  EXPECT_EQ(params.at("empty").as_string(), "");
}

TEST_F(CaptureTest, RecordsClientIpTimeAndSize) {
  HttpClient client = server_.Client();
  auto event = GetEvent(Capture(client, source_id_, "12345"));
  EXPECT_EQ(event.at("client_ip").as_string(), "127.0.0.1");
  EXPECT_EQ(event.at("size").as_int64(), 5);
  EXPECT_EQ(event.at("source_id").as_string(), source_id_);
  std::string received(event.at("received_at").as_string());
  EXPECT_EQ(received.size(), 24u) << received;  // 2026-03-01T00:00:00.000Z
  EXPECT_EQ(received.back(), 'Z');
}

// The client address recorded for a capture that says who it was forwarded for
// in `header` (X-Forwarded-For or Forwarded) with `value`.
std::string RecordedClient(RehookProcess& server, const std::string& header,
                           const std::string& value) {
  HttpClient admin = server.Admin();
  const std::string source_id = CreateSource(admin);
  auto response = server.Client().Request("POST", "/in/" + source_id, "{}",
                                          {{"Content-Type", "application/json"}, {header, value}});
  EXPECT_EQ(response.status, 200) << response.body;
  auto event = admin.Get("/v1/events/" + JsonString(response.Json(), "id")).Json();
  return std::string(event.at("client_ip").as_string());
}

TEST_F(CaptureTest, ForwardingHeadersFromAClientThatIsNoTrustedProxyAreIgnored) {
  EXPECT_EQ(RecordedClient(server_, "X-Forwarded-For", "203.0.113.7"), "127.0.0.1");
  EXPECT_EQ(RecordedClient(server_, "Forwarded", "for=203.0.113.7"), "127.0.0.1");
}

TEST(TrustedProxyTest, ATrustedProxyNamesTheClientTheEventRecords) {
  // Loopback plays the proxy: the test's own connections come from it.
  RehookProcess server(RehookOptions{{"--trusted-proxies", "10.0.0.0/8,127.0.0.0/8"}});
  EXPECT_EQ(RecordedClient(server, "X-Forwarded-For", "203.0.113.7"), "203.0.113.7");
  // A forged first entry is skipped: the walk ends at the first hop that is no trusted proxy.
  EXPECT_EQ(RecordedClient(server, "X-Forwarded-For", "1.2.3.4, 198.51.100.1, 10.0.0.9"),
            "198.51.100.1");
  EXPECT_EQ(RecordedClient(server, "Forwarded", "for=\"[2001:db8::1]:4711\";proto=https"),
            "2001:db8::1");
  EXPECT_EQ(RecordedClient(server, "X-Forwarded-For", "unknown"), "127.0.0.1");
}

TEST(TrustedProxyTest, AProxyOutsideTheTrustedNetworksIsNotBelieved) {
  RehookProcess server(RehookOptions{{"--trusted-proxies", "10.0.0.0/8"}});
  EXPECT_EQ(RecordedClient(server, "X-Forwarded-For", "203.0.113.7"), "127.0.0.1");
}

TEST(TrustedProxyTest, ATrustedProxyThatIsNoNetworkStopsTheServerNamingIt) {
  TempDir dir;
  CliResult serve = RunCli({"serve", "--listen", "127.0.0.1:0", "--data-dir", dir.path(),
                            "--trusted-proxies", "10.0.0.0/8,proxy.internal"},
                           {}, std::chrono::seconds(30));
  EXPECT_EQ(serve.exit_code, 1);
  EXPECT_NE(serve.err.find("trusted proxy \"proxy.internal\""), std::string::npos) << serve.err;
}

TEST_F(CaptureTest, UnknownSourcesAre404AndStoreNothing) {
  HttpClient client = server_.Client();
  for (std::string path : {"/in/src_01JQ3Z6X8E5M2Q7R9T4W6Y8B0C", "/in/not-an-id", "/in/",
                           "/in/src_01JQ3Z6X8E5M2Q7R9T4W6Y8B0C/sub"}) {
    auto response = client.Request("POST", path, "{}");
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(response.ErrorCode(), "not_found") << path;
  }
  auto events = admin_->Get("/v1/events").Json();
  EXPECT_TRUE(events.at("data").as_array().empty());
}

TEST_F(CaptureTest, OversizeBodiesAre413AndStoreNothing) {
  HttpClient client = server_.Client();
  auto response = client.Request("POST", "/in/" + source_id_, std::string(200001, 'x'));
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.ErrorCode(), "payload_too_large");

  // Chunked, so the size is only known while reading.
  std::string chunked =
      "POST /in/" + source_id_ + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) chunked += "186a0\r\n" + std::string(100000, 'y') + "\r\n";
  chunked += "0\r\n\r\n";
  std::string raw = RawExchange(server_.port(), chunked);
  EXPECT_NE(raw.find("413"), std::string::npos) << raw.substr(0, 200);

  // Exactly at the limit is fine.
  auto at_limit = server_.Client().Request("POST", "/in/" + source_id_, std::string(200000, 'z'));
  EXPECT_EQ(at_limit.status, 200);
  auto events = admin_->Get("/v1/events").Json();
  EXPECT_EQ(events.at("data").as_array().size(), 1u);
}

TEST_F(CaptureTest, ExpectContinueIsHonoured) {
  std::string request = "POST /in/" + source_id_ +
                        " HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n"
                        "Connection: close\r\n\r\nbody";
  std::string raw = RawExchange(server_.port(), request);
  EXPECT_EQ(raw.rfind("HTTP/1.1 100 Continue", 0), 0u) << raw;
  EXPECT_NE(raw.find("HTTP/1.1 200 OK"), std::string::npos) << raw;
}

TEST_F(CaptureTest, PathTraversalIsStoredAsDataNotFollowed) {
  HttpClient client = server_.Client();
  auto response = client.Request("POST", "/in/" + source_id_ + "/../../etc/passwd?x=../..", "{}");
  ASSERT_EQ(response.status, 200) << response.body;
  auto event = GetEvent(JsonString(response.Json(), "id"));
  EXPECT_EQ(event.at("path").as_string(), "/../../etc/passwd");
  EXPECT_EQ(event.at("query").as_string(), "x=../..");
}

}  // namespace
}  // namespace rehook::testing
