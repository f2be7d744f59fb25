// Several rehook nodes on one PostgreSQL: replay jobs created through either node are each
// completed exactly once; the jobs of a node killed with SIGKILL mid-run are finished by the
// other one from their persisted cursors, with no event skipped; a destination's rate limit and
// circuit hold across the nodes. Only meaningful on PostgreSQL (the SQLite store serves one
// node), so the SQLite run of the suite skips it.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <optional>
#include <thread>

#include "support/api_helpers.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

class MultiNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!EndToEndOnPostgres()) GTEST_SKIP() << "nodes share work only on PostgreSQL";
    database_.emplace();
  }

  // Starts nodes A and B on the test's database, with `extra_args`.
  void StartNodes(std::vector<std::string> extra_args = {}) {
    // A short replay lease, so that a dead node's jobs move within seconds rather than 30 s.
    RehookOptions options{.args = {"--allow-private-targets", "--replay-lease-ms", "1500"},
                          .database_url = database_->url()};
    options.args.insert(options.args.end(), extra_args.begin(), extra_args.end());
    node_a_.emplace(options);
    node_b_.emplace(options);
    admin_a_.emplace(node_a_->Admin());
    // The first node created the organization; its key works on every node.
    admin_b_.emplace(node_b_->WithKey(node_a_->admin_key()));
    source_ = CreateSource(*admin_a_);
  }

  // Captures `n` events with bodies {"n":0}, {"n":1}, ... alternately through both nodes.
  void CaptureThroughBothNodes(int n) {
    HttpClient client_a = node_a_->Client();
    HttpClient client_b = node_b_->Client();
    for (int i = 0; i < n; ++i) {
      Capture(i % 2 == 0 ? client_a : client_b, source_, R"({"n":)" + std::to_string(i) + "}");
    }
  }

  std::string StartJob(HttpClient& admin, const std::string& destination, int rate_limit) {
    boost::json::object body{{"destination_id", destination},
                             {"from", "2000-01-01T00:00:00Z"},
                             {"to", "2100-01-01T00:00:00Z"},
                             {"rate_limit", rate_limit}};
    auto response = admin.PostJson("/v1/replay", body);
    EXPECT_EQ(response.status, 201) << response.body;
    return JsonString(response.Json().at("job"), "id");
  }

  // Waits until `job` has ended (asking `admin`'s node); returns its last state.
  boost::json::value WaitForEnd(HttpClient& admin, const std::string& job,
                                std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    boost::json::value state;
    while (std::chrono::steady_clock::now() < deadline) {
      state = admin.Get("/v1/replay/" + job).Json();
      std::string status = JsonString(state, "status");
      if (status != "running" && status != "paused") return state;
      std::this_thread::sleep_for(100ms);
    }
    return state;
  }

  // The most requests the sink received within any one-second window.
  int MostInAnySecond() const {
    std::deque<std::chrono::steady_clock::time_point> window;
    int most = 0;
    for (const auto& request : sink_.requests()) {
      window.push_back(request.received_at);
      while (request.received_at - window.front() >= 1s) window.pop_front();
      most = std::max(most, static_cast<int>(window.size()));
    }
    return most;
  }

  // How many times each body reached the sink under `path`.
  std::map<std::string, int> BodiesAt(const std::string& path) const {
    std::map<std::string, int> counts;
    for (const auto& request : sink_.requests()) {
      if (request.target == path) ++counts[request.body];
    }
    return counts;
  }

  SinkServer sink_;
  std::optional<TestDatabase> database_;
  std::optional<RehookProcess> node_a_;
  std::optional<RehookProcess> node_b_;
  std::optional<HttpClient> admin_a_;
  std::optional<HttpClient> admin_b_;
  std::string source_;
};

TEST_F(MultiNodeTest, TwentyJobsCreatedThroughEitherNodeAreEachCompletedExactlyOnce) {
  constexpr int kEvents = 10;
  constexpr int kJobs = 20;
  StartNodes();
  CaptureThroughBothNodes(kEvents);

  std::vector<std::string> jobs;
  for (int i = 0; i < kJobs; ++i) {
    HttpClient& admin = i % 2 == 0 ? *admin_a_ : *admin_b_;
    std::string destination = CreateDestination(admin, sink_.url() + "/job" + std::to_string(i));
    jobs.push_back(StartJob(admin, destination, 100));
  }

  for (int i = 0; i < kJobs; ++i) {
    // Progress is shared: either node reports any job.
    HttpClient& admin = i % 2 == 0 ? *admin_b_ : *admin_a_;
    auto state = WaitForEnd(admin, jobs[static_cast<size_t>(i)], 60s);
    EXPECT_EQ(JsonString(state, "status"), "completed") << state;
    EXPECT_EQ(state.at("processed").as_int64(), kEvents) << state;
    EXPECT_EQ(state.at("succeeded").as_int64(), kEvents) << state;
  }
  for (int i = 0; i < kJobs; ++i) {
    auto bodies = BodiesAt("/job" + std::to_string(i));
    EXPECT_EQ(bodies.size(), static_cast<size_t>(kEvents)) << "job " << i;
    for (const auto& [body, count] : bodies) {
      EXPECT_EQ(count, 1) << "job " << i << " sent " << body << " " << count << " times";
    }
  }
}

TEST_F(MultiNodeTest, JobsOfAKilledNodeAreFinishedByTheOtherWithNoEventSkipped) {
  constexpr int kEvents = 30;
  constexpr int kJobs = 4;
  StartNodes();
  CaptureThroughBothNodes(kEvents);

  // Created through node A, which claims them at once; at 10/s each takes 3 s.
  std::vector<std::string> jobs;
  for (int i = 0; i < kJobs; ++i) {
    std::string destination =
        CreateDestination(*admin_a_, sink_.url() + "/job" + std::to_string(i));
    jobs.push_back(StartJob(*admin_a_, destination, 10));
  }
  ASSERT_TRUE(sink_.WaitForCount(kJobs * 5, 10s));
  node_a_->Kill();
  std::size_t sent_before_kill = sink_.requests().size();
  ASSERT_LT(sent_before_kill, static_cast<size_t>(kJobs * kEvents)) << "A finished before dying";

  for (const auto& job : jobs) {
    auto state = WaitForEnd(*admin_b_, job, 60s);
    EXPECT_EQ(JsonString(state, "status"), "completed") << state;
    EXPECT_EQ(state.at("processed").as_int64(), kEvents) << state;
  }
  for (int i = 0; i < kJobs; ++i) {
    auto bodies = BodiesAt("/job" + std::to_string(i));
    // Every event arrived. Those sent in the last moments before the kill may arrive twice:
    // a node records its replay deliveries every 100 ms (--replay-record-interval-ms), so at
    // 10/s one or two not recorded yet (the last interval's and its commit's) plus the one in
    // flight, which is what at-least-once delivery allows.
    EXPECT_EQ(bodies.size(), static_cast<size_t>(kEvents)) << "job " << i << " skipped events";
    int repeats = 0;
    for (const auto& [body, count] : bodies) repeats += count - 1;
    EXPECT_LE(repeats, 3) << "job " << i;
  }
  std::cout << "sent by A before the kill: " << sent_before_kill
            << ", total at the sink: " << sink_.requests().size() << "\n";
}

TEST_F(MultiNodeTest, ADestinationsRateLimitHoldsForAllNodesTogether) {
  constexpr int kRate = 5;
  constexpr int kEvents = 20;
  StartNodes();
  std::string destination =
      CreateDestination(*admin_a_, sink_.url() + "/paced", {{"rate_limit", kRate}});
  CreateConnection(*admin_a_, source_, destination);
  // Both nodes capture and forward at once: alone, each would send 5/s.
  CaptureThroughBothNodes(kEvents);
  ASSERT_TRUE(sink_.WaitForCount(kEvents, 20s));

  auto requests = sink_.requests();
  auto span = requests.back().received_at - requests.front().received_at;
  // The nodes share one grid of slots 200 ms apart: 20 deliveries span at least 19 slots.
  EXPECT_GE(span, 3500ms) << "two nodes each pacing alone would take about 1.9 s";
  // Starts are 200 ms apart; an arrival can trail its slot by a few ms, so one window of
  // exactly one second may hold one more than the rate, never more.
  EXPECT_LE(MostInAnySecond(), kRate + 1);
}

TEST_F(MultiNodeTest, ACircuitOpenedByOneNodeHoldsOnTheOther) {
  StartNodes(
      {"--breaker-threshold", "3", "--breaker-cooldown-ms", "60000", "--retry-schedule", ""});
  sink_.SetStatus(500);
  std::string destination = CreateDestination(*admin_a_, sink_.url() + "/failing");
  CreateConnection(*admin_a_, source_, destination);

  // Three failures through node A open the circuit there...
  HttpClient client_a = node_a_->Client();
  for (int i = 0; i < 3; ++i) Capture(client_a, source_);
  ASSERT_TRUE(sink_.WaitForCount(3, 10s));

  // ...and node B learns it within a sync round or two.
  WaitUntil([&] { return CircuitState(*admin_b_, destination) == "open"; }, 10s, 100ms);
  EXPECT_EQ(CircuitState(*admin_b_, destination), "open");

  // Node B does not send to it either: its events wait for the circuit.
  HttpClient client_b = node_b_->Client();
  for (int i = 0; i < 3; ++i) Capture(client_b, source_);
  // A window, not a wait: node B's first attempts are due at once, yet none may arrive.
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(sink_.requests().size(), 3u);
}

}  // namespace
}  // namespace rehook::testing
