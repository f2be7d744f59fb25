// Notifications through the real binary. Channels: admins create, list, read and delete them;
// input is checked naming the field (unknown kinds listed, the SSRF guard on the URL, the secret's
// form); developers are refused. Sending: a destination that starts failing and recovers tells
// each channel exactly once that its circuit opened and once that it closed, in rehook's signed
// JSON and in Slack's shape with a dashboard link; auto-disable switches a destination off after
// its window and says so; an exhausted delivery and a completed replay are told. Runs on SQLite
// and PostgreSQL.
#include <gtest/gtest.h>

#include <thread>

#include "common/encoding.h"
#include "support/api_helpers.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"
#include "support/standard_webhooks.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

class NotificationsTest : public ::testing::Test {
 protected:
  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
};

TEST_F(NotificationsTest, AdminsCreateListReadAndDeleteChannels) {
  auto created = admin_.PostJson(
      "/v1/notifications",
      {{"url", "https://hooks.slack.com/services/T0/B0/x"},
       {"events",
        {"destination.circuit_opened", "destination.circuit_closed", "destination.circuit_opened"}},
       {"format", "slack"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const boost::json::value channel = created.Json();
  const std::string id = JsonString(channel, "id");
  EXPECT_EQ(id.rfind("ntf_", 0), 0u);
  EXPECT_EQ(JsonString(channel, "format"), "slack");
  EXPECT_FALSE(channel.at("has_secret").as_bool());
  EXPECT_EQ(boost::json::serialize(channel.at("events")),
            R"(["destination.circuit_opened","destination.circuit_closed"])");  // each once

  auto signed_json =
      admin_.PostJson("/v1/notifications", {{"url", "https://ops.example.com/rehook"},
                                            {"events", {"delivery.exhausted"}},
                                            {"secret", "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ="}});
  ASSERT_EQ(signed_json.status, 201) << signed_json.body;
  EXPECT_EQ(JsonString(signed_json.Json(), "format"), "json");
  EXPECT_TRUE(signed_json.Json().at("has_secret").as_bool());
  EXPECT_EQ(signed_json.body.find("whsec_"), std::string::npos);  // never shown again

  const boost::json::value listed = admin_.Get("/v1/notifications").Json();
  ASSERT_EQ(listed.at("data").as_array().size(), 2u);
  EXPECT_EQ(JsonString(admin_.Get("/v1/notifications/" + id).Json(), "url"),
            "https://hooks.slack.com/services/T0/B0/x");
  EXPECT_EQ(admin_.Delete("/v1/notifications/" + id).status, 204);
  EXPECT_EQ(admin_.Get("/v1/notifications/" + id).status, 404);
  EXPECT_EQ(admin_.Delete("/v1/notifications/" + id).status, 404);
}

TEST_F(NotificationsTest, BadInputIsRefusedNamingTheField) {
  auto expect_400 = [&](const boost::json::object& body, const std::string& field) {
    auto response = admin_.PostJson("/v1/notifications", body);
    EXPECT_EQ(response.status, 400) << boost::json::serialize(body);
    EXPECT_NE(response.body.find("'" + field + "'"), std::string::npos) << response.body;
    return response.body;
  };
  expect_400({{"events", {"replay.completed"}}}, "url");
  expect_400({{"url", "ftp://example.com/x"}, {"events", {"replay.completed"}}}, "url");
  // The SSRF guard, as for destinations: loopback is refused unless allow-listed.
  expect_400({{"url", "http://127.0.0.1:9/x"}, {"events", {"replay.completed"}}}, "url");
  expect_400({{"url", "https://ops.example.com/x"}}, "events");
  expect_400({{"url", "https://ops.example.com/x"}, {"events", boost::json::array{}}}, "events");
  const std::string unknown =
      expect_400({{"url", "https://ops.example.com/x"}, {"events", {"replay.exploded"}}}, "events");
  EXPECT_NE(unknown.find("replay.exploded"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("destination.circuit_opened"), std::string::npos) << unknown;
  expect_400(
      {{"url", "https://ops.example.com/x"}, {"events", {"replay.paused"}}, {"format", "xml"}},
      "format");
  expect_400(
      {{"url", "https://ops.example.com/x"}, {"events", {"replay.paused"}}, {"secret", "hunter2"}},
      "secret");
  EXPECT_TRUE(admin_.Get("/v1/notifications").Json().at("data").as_array().empty());
}

TEST_F(NotificationsTest, OnlyAdminsManageChannels) {
  HttpClient developer = server_.WithKey(CreateKey(admin_, "developer"));
  auto refused = developer.PostJson(
      "/v1/notifications", {{"url", "https://ops.example.com/x"}, {"events", {"replay.paused"}}});
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(developer.Get("/v1/notifications").status, 403);
}

// A server whose circuits and retries act within a test's seconds, with channels on loopback.
RehookOptions FastFailing(std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"--allow-private-targets",
                                   "--public-url",
                                   "https://rehook.example.com",
                                   "--breaker-threshold",
                                   "2",
                                   "--breaker-cooldown-ms",
                                   "1000",
                                   "--retry-schedule",
                                   "100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms"};
  args.insert(args.end(), more.begin(), more.end());
  return RehookOptions{.args = args};
}

std::string AddChannel(HttpClient& admin, const std::string& url, boost::json::array events,
                       boost::json::object extra = {}) {
  extra["url"] = url;
  extra["events"] = std::move(events);
  auto response = admin.PostJson("/v1/notifications", extra);
  EXPECT_EQ(response.status, 201) << response.body;
  return JsonString(response.Json(), "id");
}

// The notification types a sink received, in order.
std::vector<std::string> TypesAt(const SinkServer& sink) {
  std::vector<std::string> types;
  for (const SinkRequest& request : sink.requests()) {
    types.push_back(JsonString(boost::json::parse(request.body), "type"));
  }
  return types;
}

TEST(NotificationSendingTest, AFailingDestinationTellsOnceThatItsCircuitOpenedAndOnceItClosed) {
  SinkServer json_channel;
  SinkServer slack_channel;
  SinkServer service;
  service.SetStatus(500);
  RehookProcess server(FastFailing());
  HttpClient admin = server.Admin();
  const std::string key_bytes = "0123456789abcdef0123456789abcdef";
  AddChannel(admin, json_channel.url() + "/ops",
             {"destination.circuit_opened", "destination.circuit_closed"},
             {{"secret", "whsec_" + Base64Encode(key_bytes)}});
  AddChannel(admin, slack_channel.url() + "/slack",
             {"destination.circuit_opened", "destination.circuit_closed"}, {{"format", "slack"}});
  // Another organization's channel hears nothing of this one's destinations.
  SinkServer other_channel;
  auto other_org = admin.PostJson("/v1/orgs", {{"name", "other team"}});
  ASSERT_EQ(other_org.status, 201) << other_org.body;
  HttpClient other_admin =
      server.WithKey(CreateKey(admin, "admin", JsonString(other_org.Json(), "id")));
  AddChannel(other_admin, other_channel.url(),
             {"destination.circuit_opened", "destination.circuit_closed"});
  const std::string source = CreateSource(admin);
  const std::string destination =
      CreateDestination(admin, service.url() + "/hook", {{"name", "billing"}});
  CreateConnection(admin, source, destination);

  HttpClient client = server.Client();
  std::vector<std::string> events;
  for (int i = 0; i < 4; ++i) events.push_back(Capture(client, source));
  WaitUntil([&] { return CircuitState(admin, destination) == "open"; }, 10s);
  ASSERT_EQ(CircuitState(admin, destination), "open");
  ASSERT_TRUE(json_channel.WaitForCount(1, 10s));
  ASSERT_TRUE(slack_channel.WaitForCount(1, 10s));

  service.SetStatus(200);  // recovers: a probe after the cool-down closes the circuit
  WaitUntil([&] { return CircuitState(admin, destination) == "closed"; }, 15s);
  ASSERT_EQ(CircuitState(admin, destination), "closed");
  ASSERT_TRUE(json_channel.WaitForCount(2, 10s));
  ASSERT_TRUE(slack_channel.WaitForCount(2, 10s));
  // Every event goes out, and the channels hear nothing more: once per change, not per failure.
  for (const std::string& event_id : events) {
    WaitUntil(
        [&] {
          for (const auto& attempt : Deliveries(admin, event_id)) {
            if (attempt.at("success").as_bool()) return true;
          }
          return false;
        },
        10s, 50ms);
  }
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(TypesAt(json_channel),
            (std::vector<std::string>{"destination.circuit_opened", "destination.circuit_closed"}));
  ASSERT_EQ(slack_channel.count(), 2u);
  EXPECT_EQ(other_channel.count(), 0u);

  const std::vector<SinkRequest> told = json_channel.requests();
  const boost::json::value opened = boost::json::parse(told[0].body);
  EXPECT_EQ(JsonString(opened.at("data"), "destination_id"), destination);
  EXPECT_EQ(JsonString(opened.at("data"), "name"), "billing");
  EXPECT_EQ(opened.at("data").at("consecutive_failures").as_int64(), 2);
  EXPECT_FALSE(JsonString(opened, "occurred_at").empty());
  for (const SinkRequest& request : told) {
    // Standard Webhooks, verified independently of rehook's signer.
    ASSERT_TRUE(request.Header("webhook-id") && request.Header("webhook-timestamp") &&
                request.Header("webhook-signature"));
    const std::string signed_text = *request.Header("webhook-id") + "." +
                                    *request.Header("webhook-timestamp") + "." + request.body;
    EXPECT_EQ(*request.Header("webhook-signature"),
              "v1," + HmacSha256Base64(key_bytes, signed_text));
  }
  EXPECT_NE(*told[0].Header("webhook-id"), *told[1].Header("webhook-id"));

  const std::vector<SinkRequest> slack = slack_channel.requests();
  const std::string opened_text = JsonString(boost::json::parse(slack[0].body), "text");
  EXPECT_NE(opened_text.find("billing"), std::string::npos) << opened_text;
  EXPECT_NE(opened_text.find("<https://rehook.example.com/#/destinations/" + destination + "|"),
            std::string::npos)
      << opened_text;
  EXPECT_FALSE(slack[0].Header("webhook-signature").has_value());  // no secret, no signature
  const std::string closed_text = JsonString(boost::json::parse(slack[1].body), "text");
  EXPECT_NE(closed_text.find("answers again"), std::string::npos) << closed_text;
}

TEST(NotificationSendingTest, ADestinationFailingForItsWholeWindowIsDisabledAndTold) {
  SinkServer channel;
  SinkServer service;
  service.SetStatus(503);
  RehookProcess server(FastFailing({"--auto-disable-interval-ms", "200"}));
  HttpClient admin = server.Admin();
  AddChannel(admin, channel.url(), {"destination.disabled"});
  const std::string source = CreateSource(admin);
  // Two seconds (0.0006 hours); the other destination, failing alike, has no window.
  const std::string doomed = CreateDestination(
      admin, service.url() + "/a", {{"name", "legacy"}, {"disable_after_hours", 0.0006}});
  const std::string kept = CreateDestination(admin, service.url() + "/b", {{"name", "kept"}});
  CreateConnection(admin, source, doomed);
  CreateConnection(admin, source, kept);
  EXPECT_NEAR(admin.Get("/v1/destinations/" + doomed).Json().at("disable_after_hours").as_double(),
              0.0006, 1e-9);

  HttpClient client = server.Client();
  const std::string event_id = Capture(client, source);
  // Kept with the first failed attempt's group commit (and cleared again when disabled).
  auto failing_since = [&] {
    return admin.Get("/v1/destinations/" + doomed).Json().at("failing_since");
  };
  WaitUntil([&] { return !failing_since().is_null(); }, 1500ms);
  EXPECT_FALSE(failing_since().is_null());

  ASSERT_TRUE(channel.WaitForCount(1, 15s));
  const boost::json::value disabled = admin.Get("/v1/destinations/" + doomed).Json();
  EXPECT_FALSE(disabled.at("enabled").as_bool());
  EXPECT_TRUE(disabled.at("failing_since").is_null());
  EXPECT_TRUE(admin.Get("/v1/destinations/" + kept).Json().at("enabled").as_bool());
  const boost::json::value told = boost::json::parse(channel.requests()[0].body);
  EXPECT_EQ(JsonString(told, "type"), "destination.disabled");
  EXPECT_EQ(JsonString(told.at("data"), "destination_id"), doomed);

  // Nothing more goes to it, and it is told once; the event itself stays, to be replayed.
  std::this_thread::sleep_for(1000ms);
  const std::size_t sent_to_doomed = [&] {
    std::size_t n = 0;
    for (const SinkRequest& request : service.requests()) n += request.target == "/a";
    return n;
  }();
  std::this_thread::sleep_for(1000ms);
  std::size_t later = 0;
  for (const SinkRequest& request : service.requests()) later += request.target == "/a";
  EXPECT_EQ(later, sent_to_doomed);
  EXPECT_EQ(channel.count(), 1u);
  EXPECT_EQ(admin.Get("/v1/events/" + event_id).status, 200);
}

TEST(NotificationSendingTest, AnExhaustedDeliveryAndACompletedReplayAreTold) {
  SinkServer channel;
  SinkServer failing;
  failing.SetStatus(500);
  SinkServer healthy;
  RehookProcess server(FastFailing());
  HttpClient admin = server.Admin();
  AddChannel(admin, channel.url(), {"delivery.exhausted", "replay.completed"});
  const std::string source = CreateSource(admin);
  const std::string once = CreateDestination(admin, failing.url(), {{"retry", {{"attempts", 1}}}});
  CreateConnection(admin, source, once);
  HttpClient client = server.Client();
  const std::string event_id = Capture(client, source);

  ASSERT_TRUE(channel.WaitForCount(1, 10s));
  const boost::json::value exhausted = boost::json::parse(channel.requests()[0].body);
  EXPECT_EQ(JsonString(exhausted, "type"), "delivery.exhausted");
  EXPECT_EQ(JsonString(exhausted.at("data"), "event_id"), event_id);
  EXPECT_EQ(JsonString(exhausted.at("data"), "destination_id"), once);
  EXPECT_EQ(exhausted.at("data").at("status_code").as_int64(), 500);

  const std::string target = CreateDestination(admin, healthy.url());
  auto job = admin.PostJson("/v1/replay", {{"destination_id", target},
                                           {"from", "2000-01-01T00:00:00.000Z"},
                                           {"to", "2100-01-01T00:00:00.000Z"}});
  ASSERT_EQ(job.status, 201) << job.body;
  const std::string job_id = JsonString(job.Json().at("job"), "id");
  ASSERT_TRUE(channel.WaitForCount(2, 15s));
  const boost::json::value completed = boost::json::parse(channel.requests()[1].body);
  EXPECT_EQ(JsonString(completed, "type"), "replay.completed");
  EXPECT_EQ(JsonString(completed.at("data"), "job_id"), job_id);
  EXPECT_EQ(completed.at("data").at("succeeded").as_int64(), 1);
  EXPECT_EQ(healthy.count(), 1u);
}

}  // namespace
}  // namespace rehook::testing
