// Replay jobs through the real binary against local sinks: validation, dry runs, order and
// bytes, pacing, caps and filters, failures, cancellation, pause on an open circuit, restarts
// and expiry.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <set>
#include <thread>

#include "capture/signature_verifier.h"
#include "support/api_helpers.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kEarly = "2000-01-01T00:00:00.000Z";
constexpr const char* kLate = "2100-01-01T00:00:00.000Z";

class ReplayTest : public ::testing::Test {
 protected:
  explicit ReplayTest(std::vector<std::string> extra_args = {})
      : server_(Options(std::move(extra_args))) {
    source_ = CreateSource(admin_);
    // No connection: events reach the sink only through replay.
    destination_ = CreateDestination(admin_, sink_.url() + "/replayed");
  }

  static RehookOptions Options(std::vector<std::string> extra_args) {
    RehookOptions options;
    options.args = {"--allow-private-targets", "--metrics-token", kScrapeToken};
    options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
    return options;
  }
  int RepeatsAfterAKillMidJob();
  // /metrics names replay jobs only for scrapers holding the token.
  static constexpr const char* kScrapeToken = "replay-test-scrape-token";

  // Captures `n` events with distinct bodies; returns their ids in replay order: by
  // received_at, then id (events captured within one millisecond are ordered by id).
  std::vector<std::string> CaptureEvents(int n, const std::string& type = "order.paid") {
    std::set<std::string> captured;
    for (int i = 0; i < n; ++i) {
      std::string body = R"({"type":")" + type + R"(","n":)" + std::to_string(i) + "}";
      captured.insert(Capture(client_, source_, body));
    }
    // The events API lists newest first with the same tie-break, so its reverse is the order.
    auto listed = admin_.Get("/v1/events?limit=250&source_id=" + source_).Json().at("data");
    std::vector<std::string> ids;
    for (const auto& event : listed.as_array()) {
      std::string id = JsonString(event, "id");
      if (captured.contains(id)) ids.insert(ids.begin(), id);
    }
    return ids;
  }

  // The body captured as event `id`.
  std::string BodyOf(const std::string& id) {
    return JsonString(admin_.Get("/v1/events/" + id).Json(), "body");
  }

  boost::json::object JobBody(boost::json::object extra = {}) {
    if (!extra.contains("destination_id")) extra["destination_id"] = destination_;
    if (!extra.contains("from")) extra["from"] = kEarly;
    if (!extra.contains("to")) extra["to"] = kLate;
    return extra;
  }

  // Starts a job and returns its id.
  std::string StartJob(boost::json::object extra = {}) {
    auto response = admin_.PostJson("/v1/replay", JobBody(std::move(extra)));
    EXPECT_EQ(response.status, 201) << response.body;
    return JsonString(response.Json().at("job"), "id");
  }

  boost::json::value Job(const std::string& id) {
    auto response = admin_.Get("/v1/replay/" + id);
    EXPECT_EQ(response.status, 200) << response.body;
    return response.Json();
  }

  // Polls the job until its status is `status`; returns the last state seen.
  boost::json::value WaitForStatus(const std::string& id, const std::string& status,
                                   std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    boost::json::value job;
    do {
      job = Job(id);
      if (job.at("status").as_string() == status) break;
      std::this_thread::sleep_for(25ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return job;
  }

  void ExpectError(const HttpResult& response, int status, const std::string& mentions) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_NE(response.body.find(mentions), std::string::npos)
        << "should mention " << mentions << ": " << response.body;
  }

  SinkServer sink_;
  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
  std::string source_;
  std::string destination_;
};

// The most requests the sink received within any one-second window.
int MaxInAnySecond(const std::vector<SinkRequest>& requests) {
  std::deque<std::chrono::steady_clock::time_point> window;
  int most = 0;
  for (const SinkRequest& request : requests) {
    window.push_back(request.received_at);
    while (request.received_at - window.front() >= 1s) window.pop_front();
    most = std::max(most, static_cast<int>(window.size()));
  }
  return most;
}

// One sender capturing back to back puts several events in one millisecond: they are still
// listed and replayed in the order they arrived (event ids grow within a millisecond too).
TEST_F(ReplayTest, BackToBackCapturesAreListedAndReplayedInArrivalOrder) {
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> arrived;
    for (int i = 0; i < 25; ++i) {
      arrived.push_back(Capture(client_, source_, "{\"n\":" + std::to_string(i) + "}"));
    }
    auto listed = admin_.Get("/v1/events?limit=25&source_id=" + source_).Json().at("data");
    std::vector<std::string> newest_first;
    for (const auto& event : listed.as_array()) newest_first.push_back(JsonString(event, "id"));
    EXPECT_EQ(newest_first, std::vector<std::string>(arrived.rbegin(), arrived.rend()));

    const std::size_t before = sink_.count();
    std::string job = StartJob(
        {{"from", JsonString(admin_.Get("/v1/events/" + arrived.front()).Json(), "received_at")}});
    WaitForStatus(job, "completed");
    ASSERT_TRUE(sink_.WaitForCount(before + 25, 10s));
    std::vector<std::string> replayed;
    for (const auto& request : sink_.requests()) {
      auto id = request.Header("X-Rehook-Event-Id").value_or("");
      if (std::find(arrived.begin(), arrived.end(), id) != arrived.end()) replayed.push_back(id);
    }
    ASSERT_GE(replayed.size(), 25u);
    replayed.erase(replayed.begin(), replayed.end() - 25);
    EXPECT_EQ(replayed, arrived) << "round " << round;
  }
}

TEST_F(ReplayTest, ValidationNamesTheField) {
  CaptureEvents(1);
  auto post = [&](boost::json::object body) { return admin_.PostJson("/v1/replay", body); };
  ExpectError(post({{"from", kEarly}, {"to", kLate}}), 400, "'destination_id'");
  ExpectError(post({{"destination_id", destination_}, {"to", kLate}}), 400, "'from'");
  ExpectError(post({{"destination_id", destination_}, {"from", kEarly}}), 400, "'to'");
  ExpectError(post(JobBody({{"from", "yesterday"}})), 400, "'from'");
  ExpectError(post(JobBody({{"from", kLate}, {"to", kEarly}})), 400, "'from'");
  ExpectError(post(JobBody({{"from", kEarly}, {"to", kEarly}})), 400, "'from'");
  ExpectError(post(JobBody({{"rate_limit", 0}})), 400, "'rate_limit'");
  ExpectError(post(JobBody({{"rate_limit", 101}})), 400, "'rate_limit'");
  ExpectError(post(JobBody({{"rate_limit", "fast"}})), 400, "'rate_limit'");
  ExpectError(post(JobBody({{"max_events", 0}})), 400, "'max_events'");
  ExpectError(post(JobBody({{"max_events", 10001}})), 400, "'max_events'");
  ExpectError(post(JobBody({{"filter", {{"body", {{"$foo", 1}}}}}})), 400, "$foo");
  ExpectError(post(JobBody({{"destination_id", "dst_nope"}})), 404, "'destination_id'");
  ExpectError(post(JobBody({{"source_id", "src_nope"}})), 404, "'source_id'");
  ExpectError(post(JobBody({{"connection_id", "con_nope"}})), 404, "'connection_id'");
  ExpectError(post(JobBody({{"from", "2001-01-01T00:00:00Z"}, {"to", "2001-01-02T00:00:00Z"}})),
              404, "no event matches");
  ExpectError(admin_.Request("POST", "/v1/replay?dry_run=maybe", "{}"), 400, "'dry_run'");
  EXPECT_EQ(client_.PostJson("/v1/replay", JobBody()).status, 401);
  HttpClient viewer = server_.WithKey(CreateKey(admin_, "viewer"));
  EXPECT_EQ(viewer.PostJson("/v1/replay", JobBody()).status, 403);
  EXPECT_EQ(admin_.Get("/v1/replay/job_nope").status, 404);
  EXPECT_EQ(sink_.count(), 0u);
}

TEST_F(ReplayTest, DryRunCountsAndShowsSamplesWithoutDelivering) {
  std::vector<std::string> ids = CaptureEvents(5);
  auto response = admin_.PostJson("/v1/replay?dry_run=true", JobBody({{"max_events", 4}}));
  ASSERT_EQ(response.status, 200) << response.body;
  auto json = response.Json();
  EXPECT_TRUE(json.at("job").is_null());
  EXPECT_EQ(json.at("total").as_int64(), 4);
  EXPECT_TRUE(json.at("first_received_at").is_string());
  EXPECT_TRUE(json.at("last_received_at").is_string());
  // The first three events the job would send, in the order it would send them.
  const auto& samples = json.at("samples").as_array();
  ASSERT_EQ(samples.size(), 3u);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(JsonString(samples[i], "id"), ids[i]);
    EXPECT_EQ(JsonString(samples[i], "method"), "POST");
    EXPECT_EQ(JsonString(samples[i], "path"), "/");
    EXPECT_EQ(samples[i].at("size").as_int64(), static_cast<std::int64_t>(BodyOf(ids[i]).size()));
  }
  EXPECT_EQ(JsonString(samples[0], "received_at"), JsonString(json, "first_received_at"));
  EXPECT_EQ(admin_.Get("/v1/replay").Json().at("data").as_array().size(), 0u);
  // A window, not a wait: a dry run must send nothing within it.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(sink_.count(), 0u);
}

TEST_F(ReplayTest, DeliversTheRangeOnceInOrderWithIdenticalBytes) {
  std::vector<std::string> ids = CaptureEvents(30);
  auto created = admin_.PostJson("/v1/replay", JobBody({{"rate_limit", 100}}));
  ASSERT_EQ(created.status, 201) << created.body;
  auto job = created.Json().at("job");
  std::string job_id = JsonString(job, "id");
  EXPECT_EQ(job_id.rfind("job_", 0), 0u);
  EXPECT_EQ(job.at("status").as_string(), "running");
  EXPECT_EQ(job.at("total").as_int64(), 30);

  auto done = WaitForStatus(job_id, "completed");
  EXPECT_EQ(done.at("status").as_string(), "completed");
  EXPECT_EQ(done.at("processed").as_int64(), 30);
  EXPECT_EQ(done.at("succeeded").as_int64(), 30);
  EXPECT_EQ(done.at("failed").as_int64(), 0);
  EXPECT_TRUE(done.at("completed_at").is_string());
  EXPECT_TRUE(done.at("expires_at").is_string());
  EXPECT_EQ(done.at("destination_id").as_string(), destination_);
  EXPECT_EQ(done.at("rate_limit").as_int64(), 100);

  auto received = sink_.requests();
  ASSERT_EQ(received.size(), 30u);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(received[i].Header("x-rehook-original-event-id"), ids[i]) << i;
    EXPECT_EQ(received[i].Header("x-rehook-replay"), "1");
    EXPECT_EQ(received[i].Header("x-rehook-replay-job-id"), job_id);
    EXPECT_EQ(received[i].target, "/replayed");
    EXPECT_EQ(received[i].body, BodyOf(ids[i]));
  }
  auto attempts = admin_.Get("/v1/events/" + ids[7] + "/deliveries").Json().at("data").as_array();
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].at("replay_job_id").as_string(), job_id);
  EXPECT_TRUE(attempts[0].at("success").as_bool());
}

TEST_F(ReplayTest, NeverSendsMoreThanTheRateInAnyOneSecondWindow) {
  CaptureEvents(36);
  std::string job_id = StartJob({{"rate_limit", 12}});
  auto done = WaitForStatus(job_id, "completed", 30s);
  ASSERT_EQ(done.at("processed").as_int64(), 36);
  auto received = sink_.requests();
  ASSERT_EQ(received.size(), 36u);
  EXPECT_LE(MaxInAnySecond(received), 12);
  // Paced rather than bursty: 36 events at 12/s cannot take less than (36 - 12) / 12 s.
  EXPECT_GE(received.back().received_at - received.front().received_at, 2s);
}

TEST_F(ReplayTest, MaxEventsTakesTheOldestAndFiltersSelect) {
  std::vector<std::string> paid = CaptureEvents(4, "order.paid");
  std::this_thread::sleep_for(5ms);  // not a wait: received_at of the next ones is later
  CaptureEvents(3, "order.created");
  std::string capped = StartJob({{"max_events", 2}, {"rate_limit", 100}});
  EXPECT_EQ(WaitForStatus(capped, "completed").at("total").as_int64(), 2);
  ASSERT_EQ(sink_.count(), 2u);
  EXPECT_EQ(sink_.requests()[0].Header("x-rehook-original-event-id"), paid[0]);
  EXPECT_EQ(sink_.requests()[1].Header("x-rehook-original-event-id"), paid[1]);

  std::string filtered =
      StartJob({{"filter", {{"body", {{"type", "order.created"}}}}}, {"rate_limit", 100}});
  auto job = WaitForStatus(filtered, "completed");
  EXPECT_EQ(job.at("total").as_int64(), 3);
  ASSERT_EQ(sink_.count(), 5u);
  for (std::size_t i = 2; i < 5; ++i) {
    EXPECT_NE(sink_.requests()[i].body.find("order.created"), std::string::npos);
  }
}

TEST_F(ReplayTest, ReplaysWhatAConnectionWouldHaveDelivered) {
  std::string other_source = CreateSource(admin_, "other");
  Capture(client_, other_source, R"({"type":"order.paid"})");
  CaptureEvents(2, "order.paid");
  CaptureEvents(2, "order.created");
  // A disabled connection: nothing is forwarded live, but its scope can be replayed.
  auto connection =
      admin_.PostJson("/v1/connections", {{"source_id", source_},
                                          {"destination_id", destination_},
                                          {"filter", {{"body", {{"type", "order.created"}}}}},
                                          {"enabled", false}});
  ASSERT_EQ(connection.status, 201) << connection.body;
  std::string job_id =
      StartJob({{"connection_id", JsonString(connection.Json(), "id")}, {"rate_limit", 100}});
  auto job = WaitForStatus(job_id, "completed");
  EXPECT_EQ(job.at("total").as_int64(), 2);
  EXPECT_EQ(job.at("source_id").as_string(), source_);
  ASSERT_EQ(sink_.count(), 2u);
  for (const auto& request : sink_.requests()) {
    EXPECT_NE(request.body.find("order.created"), std::string::npos);
  }
  ExpectError(
      admin_.PostJson("/v1/replay", JobBody({{"connection_id", JsonString(connection.Json(), "id")},
                                             {"source_id", other_source}})),
      400, "'connection_id'");
}

TEST_F(ReplayTest, WhatADisabledDestinationMissedIsBackFilledThroughItsConnection) {
  std::string connection = CreateConnection(admin_, source_, destination_);
  CaptureEvents(1);
  ASSERT_TRUE(sink_.WaitForCount(1, 10s));

  auto disabled = admin_.PatchJson("/v1/destinations/" + destination_, {{"enabled", false}});
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_FALSE(disabled.Json().at("enabled").as_bool());
  ExpectError(admin_.PatchJson("/v1/destinations/" + destination_, {{"enabled", "no"}}), 400,
              "'enabled'");
  std::vector<std::string> missed = CaptureEvents(3, "order.missed");
  // A window, not a wait: nothing may be forwarded within it while disabled.
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(sink_.count(), 1u);
  EXPECT_TRUE(Deliveries(admin_, missed[0]).empty());

  ASSERT_EQ(admin_.PatchJson("/v1/destinations/" + destination_, {{"enabled", true}}).status, 200);
  CaptureEvents(1, "order.after");
  ASSERT_TRUE(sink_.WaitForCount(2, 10s));  // forwarding resumed

  // The outage window, replayed through the connection: exactly what was missed.
  auto received_at = [this](const std::string& id) {
    return JsonString(admin_.Get("/v1/events/" + id).Json(), "received_at");
  };
  std::string job_id = StartJob({{"connection_id", connection},
                                 {"from", received_at(missed.front())},
                                 {"to", received_at(missed.back())},
                                 {"rate_limit", 100}});
  auto job = WaitForStatus(job_id, "completed");
  EXPECT_EQ(job.at("total").as_int64(), 3);
  EXPECT_EQ(job.at("succeeded").as_int64(), 3);
  ASSERT_TRUE(sink_.WaitForCount(5, 10s));
  auto requests = sink_.requests();
  for (std::size_t i = 0; i < missed.size(); ++i) {
    EXPECT_EQ(requests[2 + i].body, BodyOf(missed[i]));
    EXPECT_EQ(requests[2 + i].Header("x-rehook-original-event-id"), missed[i]);
  }
}

class ReplayWithoutBreakerTest : public ReplayTest {
 protected:
  ReplayWithoutBreakerTest() : ReplayTest({"--breaker-threshold", "1000"}) {}
};

TEST_F(ReplayWithoutBreakerTest, FailuresAreCountedAndNeverRetried) {
  sink_.SetStatus(500);
  std::vector<std::string> ids = CaptureEvents(6);
  std::string job_id = StartJob({{"rate_limit", 50}});
  auto job = WaitForStatus(job_id, "completed");
  EXPECT_EQ(job.at("processed").as_int64(), 6);
  EXPECT_EQ(job.at("failed").as_int64(), 6);
  EXPECT_EQ(job.at("succeeded").as_int64(), 0);
  // A window, not a wait: no failed event may be sent again within it.
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(sink_.count(), 6u);  // once each
  auto attempts = admin_.Get("/v1/events/" + ids[0] + "/deliveries").Json().at("data").as_array();
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].at("status_code").as_int64(), 500);
  EXPECT_TRUE(attempts[0].at("next_retry_at").is_null());
}

TEST_F(ReplayWithoutBreakerTest, ComparesEachDeliveryWithTheEventsLastEarlierAttempt) {
  std::vector<std::string> ids = CaptureEvents(4);
  std::map<int, std::string> event_with_n;  // events captured in one millisecond sort by id
  for (const std::string& id : ids) {
    auto body = boost::json::parse(BodyOf(id));
    event_with_n[static_cast<int>(body.at("n").as_int64())] = id;
  }
  // The sink refuses the events whose "n" is in `failing`.
  auto refuse = [this](std::set<int> failing) {
    sink_.SetPolicy([failing](const SinkRequest& request, int) {
      SinkResponse response;
      for (int n : failing) {
        if (request.body.find("\"n\":" + std::to_string(n) + "}") != std::string::npos) {
          response.status = 500;
        }
      }
      return response;
    });
  };
  refuse({0, 1});
  std::string before = StartJob({{"rate_limit", 100}});
  auto job = WaitForStatus(before, "completed");
  EXPECT_EQ(job.at("fixed").as_int64(), 0);  // nothing was sent there before
  EXPECT_EQ(job.at("regressed").as_int64(), 0);

  // After a "fix" that mends event 0 and breaks event 3.
  refuse({1, 3});
  std::string after = StartJob({{"rate_limit", 100}});
  job = WaitForStatus(after, "completed");
  EXPECT_EQ(job.at("succeeded").as_int64(), 2);
  EXPECT_EQ(job.at("fixed").as_int64(), 1);
  EXPECT_EQ(job.at("regressed").as_int64(), 1);

  // Event id -> outcome of each of the job's deliveries.
  using Outcomes = std::map<std::string, std::string>;
  auto outcomes_of = [this](const std::string& job_id, const std::string& query) {
    auto response = admin_.Get("/v1/replay/" + job_id + "/deliveries" + query);
    EXPECT_EQ(response.status, 200) << response.body;
    const boost::json::value listed = response.Json();
    Outcomes outcomes;
    for (const auto& attempt : listed.at("data").as_array()) {
      EXPECT_EQ(JsonString(attempt, "replay_job_id"), job_id);
      outcomes[JsonString(attempt, "event_id")] = JsonString(attempt, "outcome");
    }
    return outcomes;
  };
  EXPECT_EQ(outcomes_of(before, ""), (Outcomes{{event_with_n[0], "first"},
                                               {event_with_n[1], "first"},
                                               {event_with_n[2], "first"},
                                               {event_with_n[3], "first"}}));
  EXPECT_EQ(outcomes_of(after, ""), (Outcomes{{event_with_n[0], "fixed"},
                                              {event_with_n[1], "same"},
                                              {event_with_n[2], "same"},
                                              {event_with_n[3], "regressed"}}));
  EXPECT_EQ(outcomes_of(after, "?outcome=regressed"), (Outcomes{{event_with_n[3], "regressed"}}));
  EXPECT_EQ(outcomes_of(after, "?outcome=fixed&limit=1"), (Outcomes{{event_with_n[0], "fixed"}}));
  ExpectError(admin_.Get("/v1/replay/" + after + "/deliveries?outcome=better"), 400, "'outcome'");
  ExpectError(admin_.Get("/v1/replay/job_0missing/deliveries"), 404, "job_0missing");

  // The event's own history shows both attempts with their outcomes.
  auto attempts = Deliveries(admin_, event_with_n[0]);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(JsonString(attempts[0], "outcome"), "first");
  EXPECT_EQ(JsonString(attempts[1], "outcome"), "fixed");
}

TEST_F(ReplayTest, CancelStopsDeliveriesWithinASecond) {
  CaptureEvents(40);
  std::string job_id = StartJob({{"rate_limit", 10}});
  ASSERT_TRUE(sink_.WaitForCount(5, 10s));
  auto cancelled = admin_.Request("POST", "/v1/replay/" + job_id + "/cancel");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.Json().at("status").as_string(), "cancelled");
  // The bound the test is named after, then a window in which nothing more may arrive.
  std::this_thread::sleep_for(1s);
  const std::size_t after_a_second = sink_.count();
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(sink_.count(), after_a_second);
  EXPECT_LT(after_a_second, 40u);

  auto job = Job(job_id);
  EXPECT_EQ(job.at("status").as_string(), "cancelled");
  EXPECT_TRUE(job.at("completed_at").is_string());
  EXPECT_EQ(job.at("processed").as_int64(), static_cast<std::int64_t>(after_a_second));
  auto again = admin_.Request("POST", "/v1/replay/" + job_id + "/cancel");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.ErrorCode(), "conflict");
}

// Replays 20 events at 8/s, kills the server after 6 have arrived and restarts it; checks that
// the job completes with every event delivered. Returns how many deliveries were repeats.
int ReplayTest::RepeatsAfterAKillMidJob() {
  CaptureEvents(20);
  std::string job_id = StartJob({{"rate_limit", 8}});
  EXPECT_TRUE(sink_.WaitForCount(6, 10s));
  server_.Kill();
  server_.Restart();
  admin_ = server_.Admin();
  auto job = WaitForStatus(job_id, "completed", 30s);
  EXPECT_EQ(job.at("processed").as_int64(), 20);
  EXPECT_EQ(job.at("succeeded").as_int64(), 20);

  std::map<std::string, int> times_received;
  for (const auto& request : sink_.requests()) {
    ++times_received[*request.Header("x-rehook-original-event-id")];
  }
  EXPECT_EQ(times_received.size(), 20u);  // every event arrived
  int repeats = 0;
  for (const auto& [id, times] : times_received) repeats += times - 1;
  return repeats;
}

TEST_F(ReplayTest, ResumesAfterKillNineResendingAtMostTheLastRecordIntervalsDeliveries) {
  // Sent but not yet recorded at the kill: the one in flight, and those of the last 100 ms
  // (--replay-record-interval-ms) and of the commit under way, at 8/s one or two.
  EXPECT_LE(RepeatsAfterAKillMidJob(), 3);
}

class ReplayRecordingEachDeliveryTest : public ReplayTest {
 protected:
  ReplayRecordingEachDeliveryTest() : ReplayTest({"--replay-record-interval-ms", "0"}) {}
};

TEST_F(ReplayRecordingEachDeliveryTest, ResumesAfterKillNineResendingOnlyTheDeliveryInFlight) {
  EXPECT_LE(RepeatsAfterAKillMidJob(), 1);
}

TEST_F(ReplayTest, ProgressExpiresTwentyFourHoursAfterTheJobEnds) {
  CaptureEvents(2);
  std::string job_id = StartJob({{"rate_limit", 100}});
  WaitForStatus(job_id, "completed");
  EXPECT_EQ(admin_.Get("/v1/replay").Json().at("data").as_array().size(), 1u);

  server_.Terminate();
  RehookOptions later =
      Options({"--test-clock-offset-ms", std::to_string(24 * 3600 * 1000 + 60000)});
  server_.Restart(later);
  admin_ = server_.Admin();
  EXPECT_EQ(admin_.Get("/v1/replay/" + job_id).status, 404);
  EXPECT_EQ(admin_.Get("/v1/replay").Json().at("data").as_array().size(), 0u);
}

TEST_F(ReplayTest, AnotherOrganizationCannotSeeOrCancelAJob) {
  CaptureEvents(1);
  std::string job_id = StartJob({{"rate_limit", 1}});
  auto org = admin_.PostJson("/v1/orgs", {{"name", "other org"}});
  ASSERT_EQ(org.status, 201) << org.body;
  HttpClient other = server_.WithKey(CreateKey(admin_, "admin", JsonString(org.Json(), "id")));
  EXPECT_EQ(other.Get("/v1/replay/" + job_id).status, 404);
  EXPECT_EQ(other.Request("POST", "/v1/replay/" + job_id + "/cancel").status, 404);
  EXPECT_EQ(other.Get("/v1/replay").Json().at("data").as_array().size(), 0u);
  EXPECT_EQ(other.PostJson("/v1/replay", JobBody()).status, 404);  // not its destination
}

TEST_F(ReplayTest, MetricsShowEachRunningJobsPaceAgainstItsLimit) {
  CaptureEvents(40);
  std::string job_id = StartJob({{"rate_limit", 10}});
  // A duration, not a wait for an event: the rate is measured over the job's life, and a
  // scrape right after some start (what waiting for a count of starts gives) reads it high.
  std::this_thread::sleep_for(2500ms);
  const std::string page =
      client_.Get("/metrics", {{"Authorization", std::string("Bearer ") + kScrapeToken}}).body;
  auto value_of = [&](const std::string& family) {
    const std::string series = family + "{job_id=\"" + job_id + "\"} ";
    auto at = page.find(series);
    EXPECT_NE(at, std::string::npos) << series << " missing from\n" << page;
    return at == std::string::npos ? -1.0 : std::stod(page.substr(at + series.size()));
  };
  EXPECT_EQ(value_of("rehook_replay_job_rate_limit"), 10.0);
  const double rate = value_of("rehook_replay_job_rate");
  EXPECT_GT(rate, 5.0);  // measured since its first start, about 2.5 s ago
  EXPECT_LE(rate, 10.5);
  EXPECT_GE(value_of("rehook_replay_job_lag_seconds"), 0.0);

  ASSERT_EQ(admin_.Request("POST", "/v1/replay/" + job_id + "/cancel").status, 200);
  WaitForStatus(job_id, "cancelled");
  std::string after;
  // The job leaves the page once its run has ended, just after the cancellation is recorded.
  WaitUntil(
      [&] {
        after = client_.Get("/metrics", {{"Authorization", std::string("Bearer ") + kScrapeToken}})
                    .body;
        return after.find(job_id) == std::string::npos;
      },
      10s);
  EXPECT_NE(after.find("rehook_replay_job_rate"), std::string::npos) << after;  // the token works
  EXPECT_EQ(after.find(job_id), std::string::npos);                             // ended: gone
}

TEST_F(ReplayTest, IdModeChoosesTheDeliveryIdConsumersDeduplicateOn) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  std::string signed_destination =
      CreateDestination(admin_, sink_.url() + "/signed", {{"secret", secret}});
  std::vector<std::string> ids = CaptureEvents(2);
  auto bad = admin_.PostJson(
      "/v1/replay", JobBody({{"destination_id", signed_destination}, {"id_mode", "same"}}));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("'id_mode'"), std::string::npos) << bad.body;

  std::string fresh = StartJob({{"destination_id", signed_destination}});  // default: new
  EXPECT_EQ(Job(fresh).at("id_mode").as_string(), "new");
  ASSERT_EQ(WaitForStatus(fresh, "completed").at("succeeded").as_int64(), 2);
  std::string original =
      StartJob({{"destination_id", signed_destination}, {"id_mode", "original"}});
  EXPECT_EQ(Job(original).at("id_mode").as_string(), "original");
  ASSERT_EQ(WaitForStatus(original, "completed").at("succeeded").as_int64(), 2);

  auto requests = sink_.requests();
  ASSERT_EQ(requests.size(), 4u);
  SourceVerification check;
  check.kind = VerificationKind::standard_webhooks;
  check.secret = secret;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  for (std::size_t i = 0; i < 4; ++i) {
    const SinkRequest& request = requests[i];
    const std::string& event = ids[i % 2];
    EXPECT_EQ(request.Header("webhook-id"), i < 2 ? event + "." + fresh : event);
    EXPECT_EQ(request.Header("X-Rehook-Original-Event-Id"), event);
    // Signed afresh with the destination's secret, the id included.
    EXPECT_TRUE(VerifySignature(check, request.headers, request.body, now).ok()) << i;
  }
}

class ReplayBreakerTest : public ReplayTest {
 protected:
  ReplayBreakerTest() : ReplayTest({"--breaker-threshold", "2", "--breaker-cooldown-ms", "1000"}) {}
};

TEST_F(ReplayBreakerTest, PausesWhileTheCircuitIsOpenAndResumesWhenItCloses) {
  sink_.SetStatus(500);
  CaptureEvents(10);
  std::string job_id = StartJob({{"rate_limit", 20}});
  auto paused = WaitForStatus(job_id, "paused");
  ASSERT_EQ(paused.at("status").as_string(), "paused");
  EXPECT_NE(std::string(paused.at("status_reason").as_string()).find("circuit"), std::string::npos);
  const std::size_t while_open = sink_.count();
  EXPECT_EQ(while_open, 2u);  // the two failures that opened it
  sink_.SetStatus(200);
  auto done = WaitForStatus(job_id, "completed");
  EXPECT_EQ(done.at("processed").as_int64(), 10);
  EXPECT_EQ(done.at("failed").as_int64(), 2);
  EXPECT_EQ(done.at("succeeded").as_int64(), 8);
}

// Live traffic to the same destination comes from a second source, outside the job's scope.
class ReplayLaneTest : public ReplayBreakerTest {
 protected:
  ReplayLaneTest() : live_source_(CreateSource(admin_, "live")) {
    CreateConnection(admin_, live_source_, destination_);
  }

  // The sink answers replayed requests with `replay_status`, live ones with `live_status`.
  void AnswerReplaysAndLive(int replay_status, int live_status) {
    sink_.SetPolicy([=](const SinkRequest& request, int) {
      SinkResponse response;
      response.status = request.Header("x-rehook-replay") ? replay_status : live_status;
      return response;
    });
  }

  // Requests the sink got from replay jobs, and from live forwarding.
  std::size_t Replayed() const { return Received(true); }
  std::size_t Forwarded() const { return Received(false); }

  std::string live_source_;

 private:
  std::size_t Received(bool replays) const {
    std::size_t n = 0;
    for (const auto& request : sink_.requests()) {
      n += request.Header("x-rehook-replay").has_value() == replays ? 1 : 0;
    }
    return n;
  }
};

TEST_F(ReplayLaneTest, ReplayFailuresPauseTheJobWithoutCuttingOffLiveTraffic) {
  AnswerReplaysAndLive(500, 200);
  CaptureEvents(6);
  std::string job_id = StartJob({{"rate_limit", 20}, {"source_id", source_}});
  auto paused = WaitForStatus(job_id, "paused");
  ASSERT_EQ(paused.at("status").as_string(), "paused");
  EXPECT_NE(std::string(paused.at("status_reason").as_string()).find("replay deliveries"),
            std::string::npos);
  EXPECT_EQ(Replayed(), 2u);  // the threshold of the job's own circuit

  // Live deliveries to the same destination go on, and its circuit stays closed.
  for (int i = 0; i < 3; ++i) Capture(client_, live_source_);
  ASSERT_TRUE(sink_.WaitForCount(5, 10s));
  EXPECT_EQ(CircuitState(admin_, destination_), "closed");

  AnswerReplaysAndLive(200, 200);
  auto done = WaitForStatus(job_id, "completed");
  EXPECT_EQ(done.at("processed").as_int64(), 6);
  // 2, plus a probe that failed if the cool-down ended before the sink was switched back.
  EXPECT_GE(done.at("failed").as_int64(), 2);
  EXPECT_EQ(done.at("succeeded").as_int64() + done.at("failed").as_int64(), 6);
}

TEST_F(ReplayLaneTest, LiveDeliveriesDoNotQueueBehindASlowReplay) {
  // The consumer takes 300 ms over each replayed request: the job needs at least 6 s.
  sink_.SetPolicy([](const SinkRequest& request, int) {
    SinkResponse response;
    if (request.Header("x-rehook-replay")) response.delay = 300ms;
    return response;
  });
  CaptureEvents(20);
  std::string job_id = StartJob({{"rate_limit", 100}, {"source_id", source_}});
  WaitUntil([&] { return Replayed() >= 2; }, 10s);
  for (int i = 0; i < 10; ++i) {
    Capture(client_, live_source_);
    std::this_thread::sleep_for(50ms);
  }
  // Loose on purpose (shared machines): the live events arrive while the replay is far from
  // done, not after it, as they would if they queued behind it.
  WaitUntil([&] { return Forwarded() >= 10; }, 5s);
  ASSERT_EQ(Forwarded(), 10u);
  EXPECT_LT(Replayed(), 20u);
  EXPECT_EQ(JsonString(Job(job_id), "status"), "running");
}

TEST_F(ReplayLaneTest, AJobWaitsWhileLiveDeliveriesToItsDestinationFail) {
  AnswerReplaysAndLive(200, 503);
  for (int i = 0; i < 2; ++i) Capture(client_, live_source_);  // two failures open the circuit
  // An API call per poll: every 25 ms.
  WaitUntil([&] { return CircuitState(admin_, destination_) == "open"; }, 10s, 25ms);
  ASSERT_EQ(CircuitState(admin_, destination_), "open");

  CaptureEvents(3);
  std::string job_id = StartJob({{"rate_limit", 20}, {"source_id", source_}});
  auto paused = WaitForStatus(job_id, "paused");
  ASSERT_EQ(paused.at("status").as_string(), "paused");
  EXPECT_NE(std::string(paused.at("status_reason").as_string()).find("live deliveries"),
            std::string::npos);
  EXPECT_EQ(Replayed(), 0u);  // nothing replayed into the outage

  // Once the live circuit half-opens (after the 1 s cool-down) the job goes on.
  auto done = WaitForStatus(job_id, "completed");
  EXPECT_EQ(done.at("processed").as_int64(), 3);
  EXPECT_EQ(done.at("succeeded").as_int64(), 3);
  EXPECT_EQ(Replayed(), 3u);
}

}  // namespace
}  // namespace rehook::testing
