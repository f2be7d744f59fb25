// Forwarding through the real binary to local sinks: what arrives, signatures, filters, retries,
// give-up, the circuit breaker, restarts, TLS, and slow destinations.
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

RehookOptions DeliveryOptions(std::vector<std::string> extra = {}) {
  RehookOptions options;
  options.args = {"--allow-private-targets"};
  options.args.insert(options.args.end(), extra.begin(), extra.end());
  return options;
}

// A server whose one source forwards everything to the destination `url`.
struct Forwarding {
  explicit Forwarding(const std::string& url, std::vector<std::string> extra_args = {},
                      boost::json::object destination_fields = {})
      : server(DeliveryOptions(std::move(extra_args))) {
    source = CreateSource(admin);
    destination = CreateDestination(admin, url, std::move(destination_fields));
    CreateConnection(admin, source, destination);
  }

  RehookProcess server;
  HttpClient admin = server.Admin();
  HttpClient client = server.Client();
  std::string source;
  std::string destination;
};

TEST(DeliveryTest, ForwardsTheExactRequestWithoutProxyHeaders) {
  SinkServer sink;
  RehookProcess server(DeliveryOptions());
  HttpClient admin = server.Admin();
  std::string source = CreateSource(admin);
  std::string destination = CreateDestination(
      admin, sink.url() + "/hooks?team=a", {{"headers", {{"Authorization", "Bearer dest-token"}}}});
  CreateConnection(admin, source, destination);

  const std::string body("\x00\x01\xff binary \r\n body", 18);
  HttpClient client = server.Client();
  auto captured = client.Request("PUT", "/in/" + source + "/orders/42?x=1", body,
                                 {{"Content-Type", "application/octet-stream"},
                                  {"X-Custom", "one"},
                                  {"X-Forwarded-For", "203.0.113.9"},
                                  {"Forwarded", "for=203.0.113.9"},
                                  {"X-Real-IP", "203.0.113.9"},
                                  {"CF-Ray", "abc"},
                                  {"X-Custom", "two"}});
  ASSERT_EQ(captured.status, 200) << captured.body;
  std::string event_id = JsonString(captured.Json(), "id");

  ASSERT_TRUE(sink.WaitForCount(1, 10s));
  SinkRequest received = sink.requests()[0];
  EXPECT_EQ(received.method, "PUT");
  EXPECT_EQ(received.target, "/hooks?team=a");
  EXPECT_EQ(received.body, body);
  EXPECT_EQ(received.Header("content-type"), "application/octet-stream");
  EXPECT_EQ(received.HeaderValues("x-custom"), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(received.Header("authorization"), "Bearer dest-token");
  EXPECT_EQ(received.Header("x-rehook-event-id"), event_id);
  for (const char* dropped : {"x-forwarded-for", "forwarded", "x-real-ip", "cf-ray"}) {
    EXPECT_FALSE(received.Header(dropped).has_value()) << dropped;
  }
  EXPECT_FALSE(received.Header("webhook-signature").has_value());  // no secret, no signature

  auto attempts = WaitForAttempts(admin, event_id, 1);
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].at("status_code").as_int64(), 200);
  EXPECT_TRUE(attempts[0].at("success").as_bool());
  EXPECT_EQ(attempts[0].at("attempt").as_int64(), 1);
  EXPECT_EQ(attempts[0].at("destination_id").as_string(), destination);
  EXPECT_TRUE(attempts[0].at("replay_job_id").is_null());
}

TEST(DeliveryTest, SignsWithStandardWebhooksHeaders) {
  SinkServer sink;
  const std::string key_bytes = "0123456789abcdef0123456789abcdef";
  const std::string secret = "whsec_" + Base64Encode(key_bytes);
  Forwarding forwarding(sink.url(), {}, {{"secret", secret}});
  std::string event_id =
      Capture(forwarding.client, forwarding.source, R"({"type":"invoice.paid"})");
  ASSERT_TRUE(sink.WaitForCount(1, 10s));
  SinkRequest received = sink.requests()[0];
  ASSERT_TRUE(received.Header("webhook-id") && received.Header("webhook-timestamp") &&
              received.Header("webhook-signature"));
  EXPECT_EQ(*received.Header("webhook-id"), event_id);
  const std::string timestamp = *received.Header("webhook-timestamp");
  const std::int64_t seconds = std::stoll(timestamp);
  EXPECT_NEAR(static_cast<double>(seconds), static_cast<double>(received.received_at_ms / 1000),
              5.0);
  // Verified independently of rehook's signer: HMAC-SHA256 over "id.timestamp.body".
  const std::string expected =
      "v1," + HmacSha256Base64(key_bytes, event_id + "." + timestamp + "." + received.body);
  EXPECT_EQ(*received.Header("webhook-signature"), expected);
}

TEST(DeliveryTest, FilterDecidesWhichEventsAreForwarded) {
  SinkServer sink;
  RehookProcess server(DeliveryOptions());
  HttpClient admin = server.Admin();
  std::string source = CreateSource(admin);
  boost::json::value filter = {{"body", {{"type", "order.paid"}, {"amount", {{"$gte", 100}}}}}};
  CreateConnection(admin, source, CreateDestination(admin, sink.url()), filter);

  HttpClient client = server.Client();
  Capture(client, source, R"({"type":"order.created","amount":500})");
  Capture(client, source, R"({"type":"order.paid","amount":50})");
  std::string matching = Capture(client, source, R"({"type":"order.paid","amount":150})");
  ASSERT_TRUE(sink.WaitForCount(1, 10s));
  // A window, not a wait: proves no wrongly routed event arrives within it.
  std::this_thread::sleep_for(500ms);
  ASSERT_EQ(sink.count(), 1u);
  EXPECT_EQ(sink.requests()[0].Header("x-rehook-event-id"), matching);
}

TEST(DeliveryTest, RetriesFailedDeliveriesUntilOneSucceeds) {
  SinkServer sink;
  sink.SetStatuses({500, 503});
  Forwarding forwarding(sink.url(), {"--retry-schedule", "200ms,400ms,400ms"});
  std::string event_id = Capture(forwarding.client, forwarding.source);

  auto attempts = WaitForAttempts(forwarding.admin, event_id, 3);
  ASSERT_EQ(attempts.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempts[i].at("attempt").as_int64(), i + 1);
  EXPECT_EQ(attempts[0].at("status_code").as_int64(), 500);
  EXPECT_FALSE(attempts[0].at("success").as_bool());
  EXPECT_FALSE(attempts[0].at("next_retry_at").is_null());
  EXPECT_EQ(attempts[1].at("status_code").as_int64(), 503);
  EXPECT_TRUE(attempts[2].at("success").as_bool());
  // The same request every time, a little later each time (backoff with jitter: 160-240 ms).
  auto received = sink.requests();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].body, received[2].body);
  EXPECT_GE(received[1].received_at - received[0].received_at, 150ms);
  // A window, not a wait: more than three retry delays in which no further attempt may come.
  std::this_thread::sleep_for(700ms);
  EXPECT_EQ(sink.count(), 3u);  // delivered: no more attempts
}

TEST(DeliveryTest, EachAttemptKeepsWhatTheDestinationAnswered) {
  SinkServer sink;
  const std::string long_text = std::string(1023, 'x') + "\u00e9";  // é cut by the 1 KiB limit
  const std::string binary("\x00\xff\xfe binary", 10);
  sink.SetPolicy([long_text, binary](const SinkRequest&, int index) {
    SinkResponse response;
    if (index == 0) {
      response.status = 503;
      response.body = R"({"error":"database is down"})";
    } else if (index == 1) {
      response.status = 500;
      response.body = binary;
    } else if (index == 2) {
      response.status = 500;
      response.body = long_text + "more";
    } else {
      response.body = "ok";
    }
    return response;
  });
  Forwarding forwarding(sink.url(), {"--retry-schedule", "100ms,100ms,100ms"});
  std::string event_id = Capture(forwarding.client, forwarding.source);

  auto attempts = WaitForAttempts(forwarding.admin, event_id, 4);
  ASSERT_EQ(attempts.size(), 4u);
  EXPECT_EQ(JsonString(attempts[0], "response_body"), R"({"error":"database is down"})");
  EXPECT_EQ(JsonString(attempts[1], "response_body_base64"), Base64Encode(binary));
  EXPECT_FALSE(attempts[1].as_object().contains("response_body"));
  EXPECT_EQ(JsonString(attempts[2], "response_body"), std::string(1023, 'x'));
  EXPECT_EQ(JsonString(attempts[3], "response_body"), "ok");
}

TEST(DeliveryTest, GivesUpWhenTheScheduleIsExhausted) {
  SinkServer sink;
  sink.SetStatus(500);
  Forwarding forwarding(sink.url(), {"--retry-schedule", "100ms,100ms"});
  std::string event_id = Capture(forwarding.client, forwarding.source);

  auto attempts = WaitForAttempts(forwarding.admin, event_id, 3);
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_TRUE(attempts[2].at("next_retry_at").is_null());  // the last one: given up
  // A window, not a wait: several retry delays in which no fourth attempt may come.
  std::this_thread::sleep_for(800ms);
  EXPECT_EQ(sink.count(), 3u);
  EXPECT_EQ(Deliveries(forwarding.admin, event_id).size(), 3u);
}

TEST(DeliveryTest, ADestinationsRetryPolicyReplacesTheServerSchedule) {
  SinkServer sink;
  sink.SetStatus(500);
  // The server would not retry at all; the destination's policy makes three attempts, the
  // waits growing linearly (100 ms, then 200 ms).
  Forwarding forwarding(
      sink.url(), {"--retry-schedule", ""},
      {{"retry", {{"attempts", 3}, {"backoff", "linear"}, {"interval_ms", 100}}}});
  std::string event_id = Capture(forwarding.client, forwarding.source);

  auto attempts = WaitForAttempts(forwarding.admin, event_id, 3);
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(JsonString(attempts[0], "trigger"), "forward");
  EXPECT_EQ(JsonString(attempts[1], "trigger"), "retry");
  EXPECT_EQ(JsonString(attempts[2], "trigger"), "retry");
  EXPECT_TRUE(attempts[2].at("next_retry_at").is_null());  // the policy's last attempt
  ASSERT_EQ(sink.count(), 3u);
  const auto requests = sink.requests();
  EXPECT_GE(requests[1].received_at_ms - requests[0].received_at_ms, 80);   // 100 ms - 20 %
  EXPECT_GE(requests[2].received_at_ms - requests[1].received_at_ms, 160);  // 200 ms - 20 %
  // A window, not a wait: several of the policy's delays in which no fourth attempt may come.
  std::this_thread::sleep_for(800ms);
  EXPECT_EQ(sink.count(), 3u);
}

TEST(DeliveryTest, RetryAfterOnA503IsWaitedFor) {
  SinkServer sink;
  sink.SetPolicy([](const SinkRequest&, int index) {
    SinkResponse response;
    if (index == 0) {
      response.status = 503;
      response.headers = {{"Retry-After", "1"}};
    }
    return response;
  });
  Forwarding forwarding(sink.url(), {"--retry-schedule", "100ms"});
  std::string event_id = Capture(forwarding.client, forwarding.source);

  auto attempts = WaitForAttempts(forwarding.admin, event_id, 2);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_TRUE(attempts[1].at("success").as_bool());
  const auto requests = sink.requests();
  ASSERT_EQ(requests.size(), 2u);
  // The schedule said 100 ms; the destination asked for a second.
  EXPECT_GE(requests[1].received_at_ms - requests[0].received_at_ms, 1000);
}

TEST(DeliveryTest, ConnectionFailuresAreLoggedWithWhatHappened) {
  std::uint16_t closed_port;
  {
    SinkServer gone;
    closed_port = gone.port();
  }
  Forwarding forwarding("http://127.0.0.1:" + std::to_string(closed_port),
                        {"--retry-schedule", ""});
  std::string event_id = Capture(forwarding.client, forwarding.source);
  auto attempts = WaitForAttempts(forwarding.admin, event_id, 1);
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_TRUE(attempts[0].at("status_code").is_null());
  EXPECT_TRUE(attempts[0].at("response_time_ms").is_null());
  EXPECT_EQ(attempts[0].at("error").as_string(), "Connection refused");
}

TEST(DeliveryTest, RetriesADestinationThatTimesOut) {
  SinkServer sink;
  sink.SetDelay(1500ms);
  Forwarding forwarding(sink.url(), {"--retry-schedule", "100ms"}, {{"timeout_ms", 200}});
  std::string event_id = Capture(forwarding.client, forwarding.source);
  ASSERT_TRUE(sink.WaitForCount(1, 10s));
  sink.SetDelay(0ms);  // answers the retry at once

  auto attempts = WaitForAttempts(forwarding.admin, event_id, 2);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_TRUE(attempts[0].at("status_code").is_null());
  EXPECT_EQ(attempts[0].at("error").as_string(), "timeout after 200 ms");
  EXPECT_TRUE(attempts[1].at("success").as_bool());
}

TEST(DeliveryTest, CircuitBreakerStopsSendingToAFailingDestination) {
  SinkServer sink;
  sink.SetStatus(500);
  Forwarding forwarding(sink.url(), {"--breaker-threshold", "2", "--breaker-cooldown-ms", "1500",
                                     "--retry-schedule", "50ms,50ms,50ms,50ms,50ms"});
  HttpClient& admin = forwarding.admin;
  const std::string& destination = forwarding.destination;
  std::string event_id = Capture(forwarding.client, forwarding.source);

  ASSERT_TRUE(sink.WaitForCount(2, 10s));
  // A window, not a wait: retries fall due within it, but the open circuit holds them.
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(sink.count(), 2u);
  EXPECT_EQ(CircuitState(admin, destination), "open");

  sink.SetStatus(200);  // the service recovers; after the cool-down a probe gets through
  ASSERT_TRUE(sink.WaitForCount(3, 10s));
  auto attempts = WaitForAttempts(admin, event_id, 3);
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_TRUE(attempts[2].at("success").as_bool());
  // On PostgreSQL the circuit is shared: the probe's success reaches it at the next fold
  // (every 500 ms), until then the node may still show what the database last said.
  WaitUntil([&] { return CircuitState(admin, destination) == "closed"; }, 2s, 20ms);
  EXPECT_EQ(CircuitState(admin, destination), "closed");
}

TEST(DeliveryTest, PendingRetriesSurviveKillNine) {
  SinkServer sink;
  sink.SetStatuses({500});
  Forwarding forwarding(sink.url(), {"--retry-schedule", "1500ms"});
  std::string event_id = Capture(forwarding.client, forwarding.source);
  ASSERT_EQ(WaitForAttempts(forwarding.admin, event_id, 1).size(), 1u);

  forwarding.server.Kill();  // the retry is due in ~1.5 s: only the store knows about it now
  forwarding.server.Restart();
  ASSERT_TRUE(sink.WaitForCount(2, 15s));
  HttpClient admin_again = forwarding.server.Admin();
  auto attempts = WaitForAttempts(admin_again, event_id, 2);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_TRUE(attempts[1].at("success").as_bool());
}

TEST(DeliveryTest, DeliversOverTlsToATargetTrustedThroughCaFile) {
  SinkServer sink({.tls = true, .certificates = std::nullopt});
  TempDir dir;
  const std::string ca_file = dir.path() + "/ca.pem";
  sink.certificates().WriteCaFile(ca_file);
  Forwarding forwarding(sink.url() + "/secure", {"--ca-file", ca_file});
  std::string event_id = Capture(forwarding.client, forwarding.source, R"({"tls":true})");
  ASSERT_TRUE(sink.WaitForCount(1, 10s));
  EXPECT_EQ(sink.requests()[0].body, R"({"tls":true})");
  EXPECT_TRUE(WaitForAttempts(forwarding.admin, event_id, 1).at(0).at("success").as_bool());
}

TEST(DeliveryTest, RefusesATlsTargetWhoseCertificateIsNotTrusted) {
  SinkServer sink({.tls = true, .certificates = std::nullopt});
  Forwarding forwarding(sink.url(), {"--retry-schedule", ""});  // no --ca-file
  std::string event_id = Capture(forwarding.client, forwarding.source);
  auto attempts = WaitForAttempts(forwarding.admin, event_id, 1);
  ASSERT_EQ(attempts.size(), 1u);
  std::string error(attempts[0].at("error").as_string());
  EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;
  EXPECT_EQ(sink.count(), 0u);
}

TEST(DeliveryTest, ASlowDestinationDelaysNeitherCaptureNorOtherDestinations) {
  RehookProcess server(DeliveryOptions());
  // Declared after the server, so they go first and the server need not wait out the delay.
  SinkServer slow;
  slow.SetDelay(8s);
  SinkServer fast;
  HttpClient admin = server.Admin();
  std::string source = CreateSource(admin);
  CreateConnection(admin, source, CreateDestination(admin, slow.url()));
  CreateConnection(admin, source, CreateDestination(admin, fast.url()));

  HttpClient client = server.Client();
  for (int i = 0; i < 40; ++i) Capture(client, source, "{\"n\":" + std::to_string(i) + "}");
  // Well before the slow destination has answered even once.
  ASSERT_TRUE(fast.WaitForCount(40, 6s)) << fast.count() << " of 40 after 6 s";
  EXPECT_EQ(slow.count() - static_cast<std::size_t>(slow.in_flight()), 0u);
  // The slow one holds only its own slots: a few deliveries in flight, none done yet.
  EXPECT_GT(slow.in_flight(), 0);
  EXPECT_LE(slow.max_concurrency(), 16);
}

}  // namespace
}  // namespace rehook::testing
