// Recovering what failed, through the real binary against local sinks: failed-only and
// undelivered-only replay jobs (judged by every kind of attempt at the destination), the manual
// resend of one event (also through an open circuit), the trigger of every attempt, and the
// refusals of bad input. Runs on SQLite and on PostgreSQL like the rest of the suite.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/api_helpers.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kEarly = "2000-01-01T00:00:00.000Z";
constexpr const char* kLate = "2100-01-01T00:00:00.000Z";

// A destination that fails the events whose body says "fail" until it is told it recovered.
SinkResponse FailMarkedEvents(const SinkRequest& request, int) {
  SinkResponse response;
  if (request.body.find("\"fail\":true") != std::string::npos) response.status = 500;
  return response;
}

class RecoveryTest : public ::testing::Test {
 protected:
  explicit RecoveryTest(std::vector<std::string> extra_args = {"--retry-schedule", ""})
      : server_(Options(std::move(extra_args))) {
    source_ = CreateSource(admin_);
    destination_ = CreateDestination(admin_, sink_.url() + "/hook", {{"secret", kSecret}});
  }

  static RehookOptions Options(std::vector<std::string> extra_args) {
    RehookOptions options;
    options.args = {"--allow-private-targets"};
    options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
    return options;
  }
  static constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  std::string CaptureNumbered(int n, bool fail) {
    return Capture(client_, source_,
                   R"({"n":)" + std::to_string(n) + (fail ? R"(,"fail":true})" : "}"));
  }

  // The triggers of the event's logged attempts, oldest first.
  std::vector<std::string> Triggers(const std::string& event_id) {
    std::vector<std::string> triggers;
    for (const auto& attempt : Deliveries(admin_, event_id)) {
      triggers.push_back(JsonString(attempt, "trigger"));
    }
    return triggers;
  }

  HttpResult CreateJob(const std::string& only, bool dry_run) {
    return admin_.PostJson(std::string("/v1/replay") + (dry_run ? "?dry_run=true" : ""),
                           {{"destination_id", destination_},
                            {"from", kEarly},
                            {"to", kLate},
                            {"rate_limit", 100},
                            {"only", only}});
  }

  // Runs a job of `only` to the end; returns the job as it ended.
  boost::json::value RunJob(const std::string& only) {
    auto created = CreateJob(only, false);
    EXPECT_EQ(created.status, 201) << created.body;
    const std::string id = JsonString(created.Json().at("job"), "id");
    boost::json::value job;
    WaitUntil(
        [&] {
          job = admin_.Get("/v1/replay/" + id).Json();
          return job.at("status").as_string() == "completed";
        },
        20s, 25ms);
    return job;
  }

  // The events a replay job sent to the sink since request `from`, by original event id.
  std::set<std::string> ReplayedSince(std::size_t from) {
    std::set<std::string> ids;
    auto requests = sink_.requests();
    for (std::size_t i = from; i < requests.size(); ++i) {
      if (requests[i].Header("x-rehook-replay")) {
        ids.insert(requests[i].Header("x-rehook-original-event-id").value_or("?"));
      }
    }
    return ids;
  }

  SinkServer sink_;
  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
  std::string source_;
  std::string destination_;
};

// After an outage that broke some deliveries, "replay failed" sends exactly those: not what got
// through, and not one whose latest attempt (a manual resend) succeeded.
TEST_F(RecoveryTest, AFailedOnlyJobSendsExactlyTheEventsWhoseLatestAttemptFailed) {
  sink_.SetPolicy(FailMarkedEvents);
  CreateConnection(admin_, source_, destination_);
  std::vector<std::string> ids;
  const std::set<int> failing = {1, 3, 4};
  for (int n = 0; n < 6; ++n) ids.push_back(CaptureNumbered(n, failing.contains(n)));
  for (const std::string& id : ids) ASSERT_EQ(WaitForAttempts(admin_, id, 1).size(), 1u);

  sink_.SetPolicy(nullptr);  // the service is fixed
  // Event 4 is resent by hand: its latest attempt succeeded, so it is no longer "failed".
  auto resent =
      admin_.PostJson("/v1/events/" + ids[4] + "/retry", {{"destination_id", destination_}});
  ASSERT_EQ(resent.status, 200) << resent.body;

  auto dry = CreateJob("failed", true);
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(dry.Json().at("total").as_int64(), 2);
  EXPECT_EQ(dry.Json().at("only").as_string(), "failed");

  const std::size_t before = sink_.count();
  auto job = RunJob("failed");
  EXPECT_EQ(job.at("only").as_string(), "failed");
  EXPECT_EQ(job.at("total").as_int64(), 2);
  EXPECT_EQ(job.at("processed").as_int64(), 2);
  EXPECT_EQ(job.at("succeeded").as_int64(), 2);
  EXPECT_EQ(ReplayedSince(before), (std::set<std::string>{ids[1], ids[3]}));

  EXPECT_EQ(Triggers(ids[0]), (std::vector<std::string>{"forward"}));
  EXPECT_EQ(Triggers(ids[1]), (std::vector<std::string>{"forward", "replay"}));
  EXPECT_EQ(Triggers(ids[4]), (std::vector<std::string>{"forward", "manual"}));

  // Nothing failed any more: a second failed-only job has nothing to send.
  auto again = CreateJob("failed", true);
  EXPECT_EQ(again.status, 404) << again.body;
  EXPECT_NE(again.body.find("latest attempt"), std::string::npos) << again.body;
}

// "Undelivered" is every event no attempt got through for, including one captured while the
// destination was disabled (never attempted at all), which "failed" leaves out.
TEST_F(RecoveryTest, AnUndeliveredOnlyJobAlsoSendsEventsThatWereNeverAttempted) {
  sink_.SetPolicy(FailMarkedEvents);
  CreateConnection(admin_, source_, destination_);
  const std::string delivered = CaptureNumbered(0, false);
  const std::string failed = CaptureNumbered(1, true);
  ASSERT_EQ(WaitForAttempts(admin_, delivered, 1).size(), 1u);
  ASSERT_EQ(WaitForAttempts(admin_, failed, 1).size(), 1u);

  auto disabled = admin_.PatchJson("/v1/destinations/" + destination_, {{"enabled", false}});
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  const std::string while_disabled = CaptureNumbered(2, false);
  ASSERT_EQ(admin_.PatchJson("/v1/destinations/" + destination_, {{"enabled", true}}).status, 200);
  sink_.SetPolicy(nullptr);
  EXPECT_TRUE(Deliveries(admin_, while_disabled).empty());

  EXPECT_EQ(CreateJob("failed", true).Json().at("total").as_int64(), 1);
  EXPECT_EQ(CreateJob("undelivered", true).Json().at("total").as_int64(), 2);
  EXPECT_EQ(CreateJob("all", true).Json().at("total").as_int64(), 3);

  const std::size_t before = sink_.count();
  auto job = RunJob("undelivered");
  EXPECT_EQ(job.at("only").as_string(), "undelivered");
  EXPECT_EQ(job.at("succeeded").as_int64(), 2);
  EXPECT_EQ(ReplayedSince(before), (std::set<std::string>{failed, while_disabled}));
  // Delivered now: nothing is left undelivered.
  EXPECT_EQ(CreateJob("undelivered", true).status, 404);
}

class RecoveryWithRetriesTest : public RecoveryTest {
 protected:
  RecoveryWithRetriesTest()
      : RecoveryTest({"--breaker-threshold", "2", "--breaker-cooldown-ms", "60000",
                      "--retry-schedule", "50ms,50ms,50ms"}) {}
};

// A user who knows the service is back resends by hand while the circuit is still open: it goes
// out at once, signed like forwarding, is logged as manual, and its success closes the circuit.
TEST_F(RecoveryWithRetriesTest, AManualResendGoesOutThroughAnOpenCircuitAndIsLogged) {
  sink_.SetStatus(500);
  CreateConnection(admin_, source_, destination_);
  const std::string event = CaptureNumbered(0, false);
  ASSERT_EQ(WaitForAttempts(admin_, event, 2).size(), 2u);
  WaitUntil([&] { return CircuitState(admin_, destination_) == "open"; }, 10s, 25ms);
  ASSERT_EQ(CircuitState(admin_, destination_), "open");
  EXPECT_EQ(Triggers(event), (std::vector<std::string>{"forward", "retry"}));

  sink_.SetStatus(200);
  const std::size_t before = sink_.count();
  auto response =
      admin_.PostJson("/v1/events/" + event + "/retry", {{"destination_id", destination_}});
  ASSERT_EQ(response.status, 200) << response.body;
  const auto attempt = response.Json().at("data");
  EXPECT_EQ(attempt.at("trigger").as_string(), "manual");
  EXPECT_TRUE(attempt.at("success").as_bool());
  EXPECT_EQ(attempt.at("status_code").as_int64(), 200);
  EXPECT_EQ(JsonString(attempt, "destination_id"), destination_);

  ASSERT_EQ(sink_.count(), before + 1);
  const SinkRequest sent = sink_.requests().back();
  EXPECT_EQ(sent.target, "/hook");
  EXPECT_EQ(sent.body, R"({"n":0})");
  EXPECT_EQ(sent.Header("x-rehook-event-id"), event);
  EXPECT_EQ(sent.Header("webhook-id"), event);  // as forwarding signs it
  EXPECT_TRUE(sent.Header("webhook-signature").has_value());
  EXPECT_FALSE(sent.Header("x-rehook-replay").has_value());

  // Logged durably before the answer, with the others.
  auto attempts = Deliveries(admin_, event);
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(JsonString(attempts[2], "id"), JsonString(attempt, "id"));
  EXPECT_EQ(JsonString(attempts[2], "trigger"), "manual");
  // Its success feeds the circuit (on PostgreSQL through the shared circuit's next fold).
  WaitUntil([&] { return CircuitState(admin_, destination_) == "closed"; }, 10s, 25ms);
  EXPECT_EQ(CircuitState(admin_, destination_), "closed");
}

TEST_F(RecoveryTest, AFailedResendIsAnsweredAndLoggedAsAFailure) {
  sink_.SetStatus(503);
  const std::string event = CaptureNumbered(0, false);  // no connection: never forwarded
  auto response =
      admin_.PostJson("/v1/requests/" + event + "/retry", {{"destination_id", destination_}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_FALSE(response.Json().at("data").at("success").as_bool());
  EXPECT_EQ(response.Json().at("data").at("status_code").as_int64(), 503);
  EXPECT_EQ(Triggers(event), (std::vector<std::string>{"manual"}));
  // A failed manual attempt makes the event "failed" at the destination.
  EXPECT_EQ(CreateJob("failed", true).Json().at("total").as_int64(), 1);
}

TEST_F(RecoveryTest, BadInputIsRefusedNamingTheFieldAndChangesNothing) {
  const std::string event = CaptureNumbered(0, false);
  auto expect_error = [](const HttpResult& response, int status, const std::string& mentions) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_NE(response.body.find(mentions), std::string::npos) << response.body;
  };
  expect_error(CreateJob("broken", false), 400, "'only'");
  expect_error(CreateJob("broken", true), 400, "'only'");
  expect_error(
      admin_.PostJson(
          "/v1/replay",
          {{"destination_id", destination_}, {"from", kEarly}, {"to", kLate}, {"only", 3}}),
      400, "'only'");
  expect_error(admin_.PostJson("/v1/events/" + event + "/retry", boost::json::object{}), 400,
               "'destination_id'");
  expect_error(admin_.PostJson("/v1/events/" + event + "/retry", {{"destination_id", "dst_nope"}}),
               404, "dst_nope");
  expect_error(admin_.PostJson("/v1/events/evt_nope/retry", {{"destination_id", destination_}}),
               404, "evt_nope");

  // Another organization's destination is as missing as one that never existed.
  auto org = admin_.PostJson("/v1/orgs", {{"name", "globex"}});
  ASSERT_EQ(org.status, 201) << org.body;
  HttpClient other = server_.WithKey(CreateKey(admin_, "admin", JsonString(org.Json(), "id")));
  const std::string theirs = CreateDestination(other, sink_.url() + "/theirs");
  expect_error(admin_.PostJson("/v1/events/" + event + "/retry", {{"destination_id", theirs}}), 404,
               theirs);
  // ... and a viewer may not resend.
  HttpClient viewer = server_.WithKey(CreateKey(admin_, "viewer"));
  EXPECT_EQ(
      viewer.PostJson("/v1/events/" + event + "/retry", {{"destination_id", destination_}}).status,
      403);
  // A disabled destination is not resent to.
  ASSERT_EQ(admin_.PatchJson("/v1/destinations/" + destination_, {{"enabled", false}}).status, 200);
  expect_error(
      admin_.PostJson("/v1/events/" + event + "/retry", {{"destination_id", destination_}}), 409,
      "disabled");

  EXPECT_EQ(sink_.count(), 0u);
  EXPECT_TRUE(Deliveries(admin_, event).empty());
  EXPECT_TRUE(admin_.Get("/v1/replay").Json().at("data").as_array().empty());
}

}  // namespace
}  // namespace rehook::testing
