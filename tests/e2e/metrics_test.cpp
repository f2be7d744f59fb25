// GET /metrics through the real binary: the Prometheus text a scraper reads, and that each figure
// moves when the thing it counts happens.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <thread>

#include "support/api_helpers.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

// One scrape: every sample by its series as written ("name{label=\"v\",...}").
class Scrape {
 public:
  explicit Scrape(const std::string& text) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto space = line.rfind(' ');
      EXPECT_NE(space, std::string::npos) << "not a sample: " << line;
      if (space == std::string::npos) continue;
      samples_[line.substr(0, space)] = std::stod(line.substr(space + 1));
    }
  }

  // The value of `series`; fails the test when the series is absent.
  double operator[](const std::string& series) const {
    auto it = samples_.find(series);
    EXPECT_NE(it, samples_.end()) << "no series " << series;
    return it == samples_.end() ? -1 : it->second;
  }
  bool Has(const std::string& series) const { return samples_.contains(series); }

 private:
  std::map<std::string, double> samples_;
};

class MetricsTest : public ::testing::Test {
 protected:
  MetricsTest()
      : server_(
            RehookOptions{.args = {"--allow-private-targets", "--retry-schedule", "1h",
                                   "--breaker-threshold", "2", "--metrics-token", kScrapeToken}}) {}

  // The scrape token (--metrics-token): scrapers hold no API key. With it the page also names
  // destinations and jobs (SecurityTest covers the page without it).
  static constexpr const char* kScrapeToken = "metrics-test-scrape-token";

  Scrape Read() {
    auto response =
        client_.Get("/metrics", {{"Authorization", std::string("Bearer ") + kScrapeToken}});
    EXPECT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(response.Header("Content-Type").value_or(""),
              "text/plain; version=0.0.4; charset=utf-8");
    return Scrape(response.body);
  }

  // Scrapes until `ready` holds for the scrape (counters move after the work is logged).
  Scrape WaitFor(const std::function<bool(const Scrape&)>& ready) {
    auto deadline = std::chrono::steady_clock::now() + 15s;
    for (;;) {
      Scrape scrape = Read();
      if (ready(scrape) || std::chrono::steady_clock::now() > deadline) return scrape;
      std::this_thread::sleep_for(50ms);
    }
  }

  SinkServer sink_;
  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
};

TEST_F(MetricsTest, AFreshServerExposesEveryFamilyAtZero) {
  Scrape scrape = Read();
  EXPECT_EQ(scrape["rehook_captured_events_total"], 0);
  EXPECT_EQ(scrape["rehook_capture_duration_seconds_count"], 0);
  EXPECT_EQ(scrape["rehook_capture_duration_seconds_bucket{le=\"+Inf\"}"], 0);
  EXPECT_EQ(scrape["rehook_deliveries_total{kind=\"forward\",outcome=\"success\"}"], 0);
  EXPECT_EQ(scrape["rehook_deliveries_total{kind=\"replay_job\",outcome=\"failure\"}"], 0);
  EXPECT_EQ(scrape["rehook_deliveries_total{kind=\"request_replay\",outcome=\"success\"}"], 0);
  EXPECT_EQ(scrape["rehook_pending_retries"], 0);
  for (const char* status : {"running", "paused", "completed", "cancelled"}) {
    EXPECT_EQ(scrape[std::string("rehook_replay_jobs{status=\"") + status + "\"}"], 0);
  }
  EXPECT_EQ(scrape["rehook_circuits{state=\"open\"}"], 0);
  EXPECT_TRUE(scrape.Has("rehook_http_responses_total{area=\"api\",code=\"4xx\"}"));
  EXPECT_TRUE(scrape.Has("rehook_store_fsyncs_total"));
}

TEST_F(MetricsTest, CountsCapturesDeliveriesRetriesAndOpenCircuits) {
  std::string source = CreateSource(admin_);
  std::string good = CreateDestination(admin_, sink_.url() + "/good");
  CreateConnection(admin_, source, good);
  for (int i = 0; i < 3; ++i) Capture(client_, source);

  Scrape delivered = WaitFor([](const Scrape& s) {
    return s["rehook_deliveries_total{kind=\"forward\",outcome=\"success\"}"] >= 3;
  });
  EXPECT_EQ(delivered["rehook_captured_events_total"], 3);
  EXPECT_EQ(delivered["rehook_capture_duration_seconds_count"], 3);
  EXPECT_GT(delivered["rehook_capture_duration_seconds_sum"], 0);
  EXPECT_EQ(delivered["rehook_deliveries_total{kind=\"forward\",outcome=\"success\"}"], 3);
  EXPECT_EQ(delivered["rehook_http_responses_total{area=\"capture\",code=\"2xx\"}"], 3);

  // A destination that fails: two failures (the threshold) open its circuit, and with a retry
  // schedule of one hour both deliveries wait in the store as retries.
  sink_.SetStatus(503);
  std::string other_source = CreateSource(admin_);
  std::string failing = CreateDestination(admin_, sink_.url() + "/failing");
  CreateConnection(admin_, other_source, failing);
  Capture(client_, other_source);
  Capture(client_, other_source);
  Scrape failed = WaitFor([](const Scrape& s) {
    return s["rehook_deliveries_total{kind=\"forward\",outcome=\"failure\"}"] >= 2 &&
           s["rehook_pending_retries"] >= 2;
  });
  EXPECT_EQ(failed["rehook_deliveries_total{kind=\"forward\",outcome=\"failure\"}"], 2);
  EXPECT_EQ(failed["rehook_pending_retries"], 2);
  EXPECT_EQ(failed["rehook_pending_deliveries"], 2);
  EXPECT_EQ(failed["rehook_circuits{state=\"open\"}"], 1);
  EXPECT_EQ(failed["rehook_circuit_open{destination_id=\"" + failing + "\",state=\"open\"}"], 1);
  EXPECT_FALSE(failed.Has("rehook_circuit_open{destination_id=\"" + good + "\",state=\"open\"}"));
}

TEST_F(MetricsTest, CountsReplayJobsByStatusAndTheirDeliveries) {
  std::string source = CreateSource(admin_);
  std::string destination = CreateDestination(admin_, sink_.url());
  for (int i = 0; i < 4; ++i) Capture(client_, source);
  auto created = admin_.PostJson("/v1/replay", {{"destination_id", destination},
                                                {"from", "2000-01-01T00:00:00Z"},
                                                {"to", "2100-01-01T00:00:00Z"}});
  ASSERT_EQ(created.status, 201) << created.body;

  Scrape done =
      WaitFor([](const Scrape& s) { return s["rehook_replay_jobs{status=\"completed\"}"] == 1; });
  EXPECT_EQ(done["rehook_replay_jobs{status=\"completed\"}"], 1);
  EXPECT_EQ(done["rehook_replay_jobs{status=\"running\"}"], 0);
  EXPECT_EQ(done["rehook_deliveries_total{kind=\"replay_job\",outcome=\"success\"}"], 4);
  EXPECT_EQ(done["rehook_deliveries_total{kind=\"forward\",outcome=\"success\"}"], 0);
  EXPECT_EQ(done["rehook_captured_events_total"], 4);  // replays are not captures
}

TEST_F(MetricsTest, CountsApiAnswersByStatusClass) {
  double before = Read()["rehook_http_responses_total{area=\"api\",code=\"4xx\"}"];
  EXPECT_EQ(client_.Get("/v1/sources").status, 401);
  EXPECT_EQ(admin_.Get("/v1/sources/src_missing").status, 404);
  EXPECT_EQ(client_.Request("POST", "/in/src_missing", "{}").status, 404);
  Scrape after = Read();
  EXPECT_EQ(after["rehook_http_responses_total{area=\"api\",code=\"4xx\"}"], before + 2);
  EXPECT_EQ(after["rehook_http_responses_total{area=\"capture\",code=\"4xx\"}"], 1);
  EXPECT_GE(after["rehook_http_request_duration_seconds_count{area=\"api\"}"], 2);
}

}  // namespace
}  // namespace rehook::testing
