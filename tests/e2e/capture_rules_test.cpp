// Verified and deduplicated capture through the real binary: each provider's published signed
// example is accepted and tampered copies refused; recorded failures are stored unverified and
// forwarded nowhere; repeats of a dedup key are answered with the first event's id, stored and
// forwarded once, also when they race and across a kill -9.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/encoding.h"
#include "support/api_helpers.h"
#include "support/provider_examples.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"

namespace rehook::testing {
namespace {

using namespace provider_examples;
using Headers = std::vector<HeaderField>;

// Runs the server's clock at `unix_seconds` (the moment a provider's example was signed), so
// examples with a timestamp pass their tolerance window.
RehookOptions ClockAt(std::int64_t unix_seconds) {
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  return RehookOptions{{"--test-clock-offset-ms", std::to_string(unix_seconds * 1000 - now_ms)}};
}

std::string CreateSourceWith(HttpClient& api, boost::json::object rules) {
  rules["name"] = "verified source";
  auto response = api.PostJson("/v1/sources", rules);
  EXPECT_EQ(response.status, 201) << response.body;
  return JsonString(response.Json(), "id");
}

boost::json::object Verification(std::string_view kind, std::string_view secret) {
  return {{"verification", {{"kind", kind}, {"secret", secret}}}};
}

std::size_t EventCount(HttpClient& api, const std::string& source_id) {
  return api.Get("/v1/events?source_id=" + source_id).Json().at("data").as_array().size();
}

// Sends the example as the provider would, then a copy with one byte of the body changed.
void ExpectExampleAcceptedAndTamperingRefused(RehookProcess& server, const std::string& source_id,
                                              std::string_view body, const Headers& headers) {
  HttpClient client = server.Client();
  HttpClient admin = server.Admin();
  auto accepted = client.Request("POST", "/in/" + source_id, std::string(body), headers);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  auto event = admin.Get("/v1/events/" + JsonString(accepted.Json(), "id")).Json();
  EXPECT_TRUE(event.at("verified").as_bool());
  EXPECT_EQ(event.at("body").as_string(), body);

  std::string tampered(body);
  tampered[tampered.size() / 2] ^= 0x01;
  auto refused = client.Request("POST", "/in/" + source_id, tampered, headers);
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(refused.ErrorCode(), "unauthorized");
  EXPECT_EQ(refused.Json().at("error").at("message").as_string(),
            "signature verification failed: signature mismatch");
  EXPECT_EQ(EventCount(admin, source_id), 1u);  // nothing of the refused request was stored
}

TEST(CaptureVerificationTest, GithubPublishedExample) {
  RehookProcess server;
  HttpClient admin = server.Admin();
  std::string source = CreateSourceWith(admin, Verification("github", kGithubSecret));
  ExpectExampleAcceptedAndTamperingRefused(
      server, source, "Hello, World!",
      {{"X-Hub-Signature-256", std::string(kGithubSignature)}, {"X-GitHub-Event", "ping"}});
  auto missing = server.Client().Request("POST", "/in/" + source, "Hello, World!");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.Json().at("error").at("message").as_string(),
            "signature verification failed: missing X-Hub-Signature-256 header");
}

TEST(CaptureVerificationTest, ShopifyPublishedExample) {
  RehookProcess server;
  HttpClient admin = server.Admin();
  std::string source = CreateSourceWith(admin, Verification("shopify", kShopifySecret));
  ExpectExampleAcceptedAndTamperingRefused(server, source, kShopifyBody,
                                           {{"X-Shopify-Hmac-Sha256", std::string(kShopifyHmac)}});
}

TEST(CaptureVerificationTest, StripePublishedExampleWithinItsTolerance) {
  RehookProcess server(ClockAt(kStripeTime + 60));
  HttpClient admin = server.Admin();
  std::string source = CreateSourceWith(admin, Verification("stripe", "webhook_secret"));
  ExpectExampleAcceptedAndTamperingRefused(server, source, kStripeBody,
                                           {{"Stripe-Signature", kStripeHeader}});
}

TEST(CaptureVerificationTest, StripeSignatureOutsideTheToleranceIsRefused) {
  // The same genuine example, replayed by someone an hour later: the timestamp gives it away.
  RehookProcess server(ClockAt(kStripeTime + 3600));
  HttpClient admin = server.Admin();
  std::string source = CreateSourceWith(admin, Verification("stripe", "webhook_secret"));
  auto late = server.Client().Request("POST", "/in/" + source, std::string(kStripeBody),
                                      {{"Stripe-Signature", kStripeHeader}});
  EXPECT_EQ(late.status, 401);
  EXPECT_EQ(late.Json().at("error").at("message").as_string(),
            "signature verification failed: timestamp outside the 300 s tolerance");
}

TEST(CaptureVerificationTest, StandardWebhooksReferenceVector) {
  RehookProcess server(ClockAt(kSwTime));
  HttpClient admin = server.Admin();
  std::string source = CreateSourceWith(admin, Verification("standard_webhooks", kSwSecret));
  ExpectExampleAcceptedAndTamperingRefused(server, source, kSwBody,
                                           {{"webhook-id", std::string(kSwId)},
                                            {"webhook-timestamp", std::to_string(kSwTime)},
                                            {"webhook-signature", std::string(kSwSignature)}});
}

TEST(CaptureVerificationTest, MultipartAndFormBodiesStayByteExactWhenVerified) {
  RehookProcess server;
  HttpClient admin = server.Admin();
  const std::string secret = "form-secret";
  std::string source = CreateSourceWith(admin, Verification("github", secret));
  const std::string multipart =
      "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n" +
      std::string("\x00\xff\r\n--b0undar\x80", 14) + "\r\n--b0undary--\r\n";
  for (const auto& [body, type] : std::vector<std::pair<std::string, std::string>>{
           {multipart, "multipart/form-data; boundary=b0undary"},
           {"a=1&b=%E2%9C%93+x&a=2", "application/x-www-form-urlencoded"}}) {
    Headers headers = {{"Content-Type", type},
                       {"X-Hub-Signature-256", "sha256=" + HexEncode(HmacSha256(secret, body))}};
    auto response = server.Client().Request("POST", "/in/" + source, body, headers);
    ASSERT_EQ(response.status, 200) << response.body;
    auto event = admin.Get("/v1/events/" + JsonString(response.Json(), "id")).Json();
    std::string stored = event.as_object().contains("body_base64")
                             ? *Base64Decode(std::string(event.at("body_base64").as_string()))
                             : std::string(event.at("body").as_string());
    EXPECT_EQ(stored, body);
  }
}

// Sinks listen on loopback, which destinations may not target by default.
RehookOptions WithLocalSinks() { return RehookOptions{{"--allow-private-targets"}}; }

TEST(CaptureVerificationTest, RecordedFailuresAreStoredUnverifiedAndNotForwarded) {
  RehookProcess server(WithLocalSinks());
  SinkServer sink;
  HttpClient admin = server.Admin();
  boost::json::object rules = Verification("github", kGithubSecret);
  rules["verification"].as_object()["on_failure"] = "record";
  std::string source = CreateSourceWith(admin, rules);
  CreateConnection(admin, source, CreateDestination(admin, sink.url()));

  HttpClient client = server.Client();
  auto forged = client.Request("POST", "/in/" + source, "Hello, World?",
                               {{"X-Hub-Signature-256", std::string(kGithubSignature)}});
  ASSERT_EQ(forged.status, 200) << forged.body;
  auto genuine = client.Request("POST", "/in/" + source, "Hello, World!",
                                {{"X-Hub-Signature-256", std::string(kGithubSignature)}});
  ASSERT_EQ(genuine.status, 200) << genuine.body;

  auto forged_event = admin.Get("/v1/events/" + JsonString(forged.Json(), "id")).Json();
  EXPECT_FALSE(forged_event.at("verified").as_bool());
  EXPECT_TRUE(
      admin.Get("/v1/events/" + JsonString(genuine.Json(), "id")).Json().at("verified").as_bool());
  ASSERT_TRUE(sink.WaitForCount(1, std::chrono::seconds(10)));
  // A window, not a wait: room for a wrong second delivery to show.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(sink.count(), 1u);
  EXPECT_EQ(sink.requests()[0].body, "Hello, World!");
  EXPECT_TRUE(admin.Get("/v1/events/" + JsonString(forged.Json(), "id") + "/deliveries")
                  .Json()
                  .at("data")
                  .as_array()
                  .empty());
  // Replay jobs leave unverified events out: only the genuine one is counted.
  auto dry_run = admin.PostJson("/v1/replay?dry_run=true",
                                {{"destination_id", CreateDestination(admin, sink.url())},
                                 {"source_id", source},
                                 {"from", "2000-01-01T00:00:00Z"},
                                 {"to", "2100-01-01T00:00:00Z"}});
  ASSERT_EQ(dry_run.status, 200) << dry_run.body;
  EXPECT_EQ(dry_run.Json().at("total").as_int64(), 1);
}

TEST(CaptureVerificationTest, SourceOptionsAreValidatedShownWithoutSecretsAndRemovable) {
  RehookProcess server;
  HttpClient admin = server.Admin();
  auto missing_secret =
      admin.PostJson("/v1/sources", {{"name", "s"}, {"verification", {{"kind", "stripe"}}}});
  EXPECT_EQ(missing_secret.status, 400);
  EXPECT_EQ(missing_secret.Json().at("error").at("message").as_string(),
            "'verification.secret' is required for stripe");
  auto bad_mode = admin.PostJson(
      "/v1/sources",
      {{"name", "s"},
       {"verification", {{"kind", "github"}, {"secret", "x"}, {"on_failure", "ignore"}}}});
  EXPECT_EQ(bad_mode.status, 400);
  EXPECT_EQ(bad_mode.Json().at("error").at("message").as_string(),
            "'verification.on_failure' must be 'reject' or 'record'");
  auto bad_dedup = admin.PostJson("/v1/sources", {{"name", "s"}, {"dedup", {{"header", 1}}}});
  EXPECT_EQ(bad_dedup.status, 400);
  EXPECT_EQ(bad_dedup.Json().at("error").at("message").as_string(),
            "'dedup.header' must be a string");

  boost::json::object rules = Verification("github", "top-secret");
  rules["dedup"] = {{"header", "X-GitHub-Delivery"}};
  std::string source = CreateSourceWith(admin, rules);
  auto shown = admin.Get("/v1/sources/" + source);
  EXPECT_EQ(shown.body.find("top-secret"), std::string::npos) << shown.body;
  EXPECT_EQ(shown.Json().at("verification").at("kind").as_string(), "github");
  EXPECT_EQ(shown.Json().at("dedup").at("window_seconds").as_int64(), 86400);

  // PATCH with null removes verification; the request that was refused now passes.
  auto unsigned_request = [&] { return server.Client().Request("POST", "/in/" + source, "{}"); };
  EXPECT_EQ(unsigned_request().status, 401);
  auto patched = admin.PatchJson("/v1/sources/" + source, {{"verification", nullptr}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(patched.Json().at("verification").is_null());
  EXPECT_EQ(patched.Json().at("dedup").at("header").as_string(), "X-GitHub-Delivery");
  EXPECT_EQ(unsigned_request().status, 200);
}

class CaptureDedupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = std::make_unique<HttpClient>(server_.Admin());
    source_ = CreateSourceWith(*admin_, {{"dedup", {{"header", "webhook-id"}}}});
    CreateConnection(*admin_, source_, CreateDestination(*admin_, sink_.url()));
  }

  HttpResult Send(const std::string& key, const std::string& body = "{}") {
    return server_.Client().Request("POST", "/in/" + source_, body, {{"webhook-id", key}});
  }

  RehookProcess server_{WithLocalSinks()};
  SinkServer sink_;
  std::unique_ptr<HttpClient> admin_;
  std::string source_;
};

TEST_F(CaptureDedupTest, RepeatsAreAnsweredWithTheFirstIdAndStoredAndForwardedOnce) {
  auto first = Send("msg_1", R"({"n":1})");
  ASSERT_EQ(first.status, 200);
  std::string original = JsonString(first.Json(), "id");
  EXPECT_FALSE(first.Json().as_object().contains("duplicate"));

  auto repeat = Send("msg_1", R"({"n":1,"retry":true})");
  ASSERT_EQ(repeat.status, 200);
  EXPECT_EQ(JsonString(repeat.Json(), "id"), original);
  EXPECT_TRUE(repeat.Json().at("duplicate").as_bool());

  auto other = Send("msg_2");
  EXPECT_NE(JsonString(other.Json(), "id"), original);
  auto unkeyed = server_.Client().Request("POST", "/in/" + source_, "{}");  // no key: stored
  EXPECT_EQ(unkeyed.status, 200);

  EXPECT_EQ(EventCount(*admin_, source_), 3u);
  ASSERT_TRUE(sink_.WaitForCount(3, std::chrono::seconds(10)));
  // A window, not a wait: the duplicate must not be delivered within it.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(sink_.count(), 3u);
  auto metrics = server_.Client().Get("/metrics");
  EXPECT_NE(metrics.body.find("rehook_capture_duplicates_total 1\n"), std::string::npos);
}

TEST_F(CaptureDedupTest, RacingRepeatsStoreExactlyOneEvent) {
  constexpr int kSenders = 8;
  std::vector<std::string> ids(kSenders);
  std::vector<std::thread> senders;
  for (int i = 0; i < kSenders; ++i) {
    senders.emplace_back([&, i] {
      auto response = Send("msg_race");
      if (response.status == 200) ids[i] = JsonString(response.Json(), "id");
    });
  }
  for (auto& sender : senders) sender.join();
  for (const std::string& id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_FALSE(ids[0].empty());
  EXPECT_EQ(EventCount(*admin_, source_), 1u);
}

TEST_F(CaptureDedupTest, KeysSurviveKillNine) {
  std::string original = JsonString(Send("msg_durable").Json(), "id");
  server_.Kill();
  server_.Restart();
  auto repeat = Send("msg_durable");
  ASSERT_EQ(repeat.status, 200) << repeat.body;
  EXPECT_EQ(JsonString(repeat.Json(), "id"), original);
  EXPECT_EQ(EventCount(*admin_, source_), 1u);
}

TEST(CaptureDedupWindowTest, JsonPathKeysExpireWithTheirWindow) {
  RehookProcess server;
  HttpClient admin = server.Admin();
  std::string source =
      CreateSourceWith(admin, {{"dedup", {{"json_path", "data.id"}, {"window_seconds", 1}}}});
  HttpClient client = server.Client();
  const std::string body = R"({"data":{"id":"ch_1"},"type":"charge.succeeded"})";
  std::string first = JsonString(client.Request("POST", "/in/" + source, body).Json(), "id");
  EXPECT_EQ(JsonString(client.Request("POST", "/in/" + source, body).Json(), "id"), first);
  // Not a wait for an event: the one-second window must pass on the server's clock.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  std::string later = JsonString(client.Request("POST", "/in/" + source, body).Json(), "id");
  EXPECT_NE(later, first);  // the window has passed: a new delivery of the same object
  EXPECT_EQ(EventCount(admin, source), 2u);
}

}  // namespace
}  // namespace rehook::testing
