// Single-request replay (POST /v1/endpoints/{id}/requests/{requestId}/replay) through the real
// binary: an HTTPS sink trusted through --ca-file, non-2xx answers, closed ports, validation,
// and the record of every replay.
#include <gtest/gtest.h>

#include "support/api_helpers.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

class RequestReplayTest : public ::testing::Test {
 protected:
  RequestReplayTest()
      : sink_({.tls = true, .certificates = std::nullopt}), server_(Options(sink_, dir_)) {
    source_ = CreateSource(admin_);
  }

  static RehookOptions Options(const SinkServer& sink, const TempDir& dir) {
    const std::string ca_file = dir.path() + "/ca.pem";
    sink.certificates().WriteCaFile(ca_file);
    return RehookOptions{.args = {"--allow-private-targets", "--ca-file", ca_file}};
  }

  std::string ReplayPath(const std::string& request_id) {
    return "/v1/endpoints/" + source_ + "/requests/" + request_id + "/replay";
  }

  HttpResult Replay(const std::string& request_id, const std::string& target_url) {
    return admin_.PostJson(ReplayPath(request_id), {{"target_url", target_url}});
  }

  TempDir dir_;
  SinkServer sink_;
  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
  std::string source_;
};

TEST_F(RequestReplayTest, SendsTheOriginalRequestToAnHttpsTarget) {
  const std::string body("{\"amount\":42,\"bin\":\"\x01\x02\"}", 25);
  auto captured = client_.Request("POST", "/in/" + source_ + "/stripe/events?a=1&b=two", body,
                                  {{"Content-Type", "application/json"},
                                   {"Stripe-Signature", "t=1,v1=abc"},
                                   {"X-Forwarded-For", "203.0.113.9"}});
  ASSERT_EQ(captured.status, 200) << captured.body;
  std::string request_id = JsonString(captured.Json(), "id");

  auto replayed = Replay(request_id, sink_.url() + "/new/path");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  auto data = replayed.Json().at("data");
  EXPECT_EQ(data.at("status_code").as_int64(), 200);
  EXPECT_TRUE(data.at("success").as_bool());
  EXPECT_TRUE(data.at("error").is_null());
  EXPECT_GE(data.at("response_time_ms").as_int64(), 0);

  ASSERT_EQ(sink_.count(), 1u);
  SinkRequest received = sink_.requests()[0];
  EXPECT_EQ(received.method, "POST");
  EXPECT_EQ(received.target, "/new/path?a=1&b=two");
  EXPECT_EQ(received.body, body);
  EXPECT_EQ(received.Header("content-type"), "application/json");
  EXPECT_EQ(received.Header("stripe-signature"), "t=1,v1=abc");
  EXPECT_EQ(received.Header("x-rehook-replay"), "1");
  EXPECT_EQ(received.Header("x-rehook-original-request-id"), request_id);
  EXPECT_FALSE(received.Header("x-forwarded-for").has_value());

  auto replays = admin_.Get("/v1/endpoints/" + source_ + "/requests/" + request_id + "/replays");
  ASSERT_EQ(replays.status, 200) << replays.body;
  auto records = replays.Json().at("data").as_array();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].at("target_url").as_string(), sink_.url() + "/new/path");
  EXPECT_EQ(records[0].at("status_code").as_int64(), 200);
  EXPECT_TRUE(records[0].at("success").as_bool());
  EXPECT_TRUE(records[0].at("created_at").is_string());
  EXPECT_EQ(JsonString(records[0], "id").rfind("rpl_", 0), 0u);
  // A replay is not a captured event.
  EXPECT_EQ(admin_.Get("/v1/events").Json().at("data").as_array().size(), 1u);
}

TEST_F(RequestReplayTest, ReportsANon2xxAnswer) {
  std::string request_id = Capture(client_, source_);
  sink_.SetPolicy([](const SinkRequest&, int) {
    SinkResponse response;
    response.status = 502;
    response.body = "upstream timed out";
    return response;
  });
  auto replayed = Replay(request_id, sink_.url() + "/?existing=1");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  auto data = replayed.Json().at("data");
  EXPECT_EQ(data.at("status_code").as_int64(), 502);
  EXPECT_FALSE(data.at("success").as_bool());
  EXPECT_TRUE(data.at("error").is_null());
  EXPECT_EQ(JsonString(data, "response_body"), "upstream timed out");
  auto records = admin_.Get("/v1/endpoints/" + source_ + "/requests/" + request_id + "/replays")
                     .Json()
                     .at("data")
                     .as_array();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(JsonString(records[0], "response_body"), "upstream timed out");
  EXPECT_EQ(sink_.requests()[0].target, "/?existing=1");
}

TEST_F(RequestReplayTest, ComparesEachReplayWithTheLastSendToTheSameUrl) {
  std::string request_id = Capture(client_, source_);
  const std::string url = sink_.url() + "/hook";
  auto outcome = [&](const std::string& target, int status) {
    sink_.SetStatus(status);
    auto replayed = Replay(request_id, target);
    EXPECT_EQ(replayed.status, 200) << replayed.body;
    return JsonString(replayed.Json().at("data"), "outcome");
  };
  EXPECT_EQ(outcome(url, 502), "first");
  EXPECT_EQ(outcome(url, 200), "fixed");
  EXPECT_EQ(outcome(url, 204), "same");
  EXPECT_EQ(outcome(sink_.url() + "/other", 500), "first");  // another URL has its own history
  EXPECT_EQ(outcome(url, 500), "regressed");

  auto records = admin_.Get("/v1/endpoints/" + source_ + "/requests/" + request_id + "/replays")
                     .Json()
                     .at("data")
                     .as_array();
  std::vector<std::string> listed;
  for (const auto& record : records) listed.push_back(JsonString(record, "outcome"));
  EXPECT_EQ(listed, (std::vector<std::string>{"first", "fixed", "same", "first", "regressed"}));

  // A destination with that URL delivered a newer request: replaying it there after a change
  // that breaks it reads as a regression.
  sink_.SetStatus(200);
  std::string destination = CreateDestination(admin_, url);
  CreateConnection(admin_, source_, destination);
  std::string forwarded = Capture(client_, source_);
  ASSERT_TRUE(sink_.WaitForCount(6, 10s));
  ASSERT_EQ(WaitForAttempts(admin_, forwarded, 1).size(), 1u);
  sink_.SetStatus(500);
  auto replayed = Replay(forwarded, url);
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  EXPECT_EQ(JsonString(replayed.Json().at("data"), "outcome"), "regressed");
}

TEST_F(RequestReplayTest, ReportsAClosedPortWithNullStatus) {
  std::string request_id = Capture(client_, source_);
  std::uint16_t closed_port;
  {
    SinkServer gone;
    closed_port = gone.port();
  }
  auto replayed = Replay(request_id, "https://127.0.0.1:" + std::to_string(closed_port) + "/");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  auto data = replayed.Json().at("data");
  EXPECT_TRUE(data.at("status_code").is_null());
  EXPECT_TRUE(data.at("response_time_ms").is_null());
  EXPECT_FALSE(data.at("success").as_bool());
  EXPECT_EQ(data.at("error").as_string(), "Connection refused");
  auto records = admin_.Get("/v1/endpoints/" + source_ + "/requests/" + request_id + "/replays")
                     .Json()
                     .at("data")
                     .as_array();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].at("error").as_string(), "Connection refused");
}

TEST_F(RequestReplayTest, ReportsAnUntrustedCertificate) {
  std::string request_id = Capture(client_, source_);
  SinkServer untrusted(
      {.tls = true, .certificates = std::nullopt});  // its own CA, which rehook was not told about
  auto replayed = Replay(request_id, untrusted.url() + "/");
  ASSERT_EQ(replayed.status, 200) << replayed.body;
  std::string error(replayed.Json().at("data").at("error").as_string());
  EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;
  EXPECT_EQ(untrusted.count(), 0u);
}

TEST_F(RequestReplayTest, ValidationAndPermissions) {
  std::string request_id = Capture(client_, source_);
  auto missing = admin_.PostJson(ReplayPath(request_id), boost::json::object{});
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("'target_url'"), std::string::npos) << missing.body;
  for (const char* bad : {"http://127.0.0.1/", "not a url", "ftp://example.com/", ""}) {
    auto response = Replay(request_id, bad);
    EXPECT_EQ(response.status, 400) << bad << ": " << response.body;
    EXPECT_EQ(response.ErrorCode(), "bad_request");
    EXPECT_NE(response.body.find("target_url"), std::string::npos) << response.body;
  }
  EXPECT_EQ(Replay("evt_nope", sink_.url()).status, 404);
  std::string other_source = CreateSource(admin_, "other");
  EXPECT_EQ(admin_
                .PostJson("/v1/endpoints/" + other_source + "/requests/" + request_id + "/replay",
                          {{"target_url", sink_.url()}})
                .status,
            404);
  EXPECT_EQ(admin_
                .PostJson("/v1/endpoints/src_nope/requests/" + request_id + "/replay",
                          {{"target_url", sink_.url()}})
                .status,
            404);
  EXPECT_EQ(client_.PostJson(ReplayPath(request_id), {{"target_url", sink_.url()}}).status, 401);
  // Viewers hold requests.replay.
  HttpClient viewer = server_.WithKey(CreateKey(admin_, "viewer"));
  EXPECT_EQ(viewer.PostJson(ReplayPath(request_id), {{"target_url", sink_.url()}}).status, 200);
  EXPECT_EQ(sink_.count(), 1u);
}

TEST(RequestReplayGuardTest, RefusesPrivateTargetsUnlessAllowed) {
  RehookProcess server;  // the SSRF guard on
  HttpClient admin = server.Admin();
  HttpClient client = server.Client();
  std::string source = CreateSource(admin);
  std::string request_id = Capture(client, source);
  for (const char* target : {"https://127.0.0.1/", "https://10.1.2.3/", "https://169.254.169.254/",
                             "https://[::1]/", "https://0x7f000001/"}) {
    auto response =
        admin.PostJson("/v1/endpoints/" + source + "/requests/" + request_id + "/replay",
                       {{"target_url", target}});
    EXPECT_EQ(response.status, 400) << target << ": " << response.body;
    EXPECT_NE(response.body.find("not allowed"), std::string::npos) << response.body;
  }
}

}  // namespace
}  // namespace rehook::testing
