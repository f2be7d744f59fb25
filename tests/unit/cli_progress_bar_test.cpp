// The pure parts of `replay ... --follow`: durations, rates, ETA, the bar, lines and summary.
#include "cli/progress_bar.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace rehook::cli {
namespace {

using namespace std::chrono_literals;

JobProgress Running(std::int64_t total, std::int64_t processed, std::int64_t failed = 0) {
  JobProgress job;
  job.id = "job_1";
  job.status = "running";
  job.total = total;
  job.processed = processed;
  job.failed = failed;
  job.succeeded = processed - failed;
  return job;
}

TEST(CliProgressBarTest, FormatsDurations) {
  EXPECT_EQ(FormatDuration(std::nullopt), "--:--");
  EXPECT_EQ(FormatDuration(-1), "--:--");
  EXPECT_EQ(FormatDuration(0), "0:00");
  EXPECT_EQ(FormatDuration(6), "0:06");
  EXPECT_EQ(FormatDuration(62), "1:02");
  EXPECT_EQ(FormatDuration(3599), "59:59");
  EXPECT_EQ(FormatDuration(3600), "1:00:00");
  EXPECT_EQ(FormatDuration(3723), "1:02:03");
  EXPECT_EQ(FormatDuration(100 * 3600), "100:00:00");
}

TEST(CliProgressBarTest, FormatsRates) {
  EXPECT_EQ(FormatRate(std::nullopt), "-/s");
  EXPECT_EQ(FormatRate(0.0), "0.0/s");
  EXPECT_EQ(FormatRate(9.84), "9.8/s");
  EXPECT_EQ(FormatRate(150.4), "150/s");
}

TEST(CliProgressBarTest, RateNeedsTwoSamplesApartInTime) {
  RateMeter meter;
  const auto start = RateMeter::Clock::time_point{};
  EXPECT_FALSE(meter.PerSecond());
  meter.Add(start, 0);
  EXPECT_FALSE(meter.PerSecond());
  meter.Add(start, 5);
  EXPECT_FALSE(meter.PerSecond());
  meter.Add(start + 2s, 20);
  EXPECT_DOUBLE_EQ(*meter.PerSecond(), 10.0);
}

TEST(CliProgressBarTest, RateFollowsTheLastWindowOnly) {
  RateMeter meter(10s);
  const auto start = RateMeter::Clock::time_point{};
  meter.Add(start, 0);
  meter.Add(start + 10s, 100);
  EXPECT_DOUBLE_EQ(*meter.PerSecond(), 10.0);
  // Stalled for a whole window (a paused circuit): the old burst no longer counts.
  meter.Add(start + 20s, 100);
  EXPECT_DOUBLE_EQ(*meter.PerSecond(), 0.0);
  meter.Add(start + 25s, 150);
  EXPECT_DOUBLE_EQ(*meter.PerSecond(), 50.0 / 15.0);
}

TEST(CliProgressBarTest, EstimatesTimeLeft) {
  EXPECT_EQ(EstimateSecondsLeft(Running(100, 45), 10.0), 6);  // 5.5 s, rounded up
  EXPECT_EQ(EstimateSecondsLeft(Running(100, 100), 10.0), 0);
  JobProgress unmeasured = Running(100, 0);
  EXPECT_EQ(EstimateSecondsLeft(unmeasured, std::nullopt), std::nullopt);
  unmeasured.server_eta_seconds = 10;
  EXPECT_EQ(EstimateSecondsLeft(unmeasured, std::nullopt), 10);
  EXPECT_EQ(EstimateSecondsLeft(unmeasured, 0.0), 10);
  JobProgress paused = Running(100, 50);
  paused.status = "paused";
  paused.server_eta_seconds = 5;
  EXPECT_EQ(EstimateSecondsLeft(paused, 10.0), std::nullopt);
  JobProgress cancelled = Running(100, 50);
  cancelled.status = "cancelled";
  EXPECT_EQ(EstimateSecondsLeft(cancelled, std::nullopt), 0);
}

TEST(CliProgressBarTest, BarFillsTheTerminalLessOneColumn) {
  const std::string tail = "  45/100  45%  ok 44  failed 1  9.8/s  ETA 0:06";
  // 80 columns: 79 usable, the tail and brackets leave 30 for the bar; 45% of 30 is 13.
  EXPECT_EQ(RenderProgressBar(Running(100, 45, 1), 9.8, 80),
            "[" + std::string(13, '#') + std::string(17, '-') + "]" + tail);
  EXPECT_EQ(RenderProgressBar(Running(100, 45, 1), 9.8, 80).size(), 79u);
  // Wide terminals: the bar stops growing at 40.
  EXPECT_EQ(RenderProgressBar(Running(100, 45, 1), 9.8, 200),
            "[" + std::string(18, '#') + std::string(22, '-') + "]" + tail);
  // Too narrow for a bar: the numbers alone.
  EXPECT_EQ(RenderProgressBar(Running(100, 45, 1), 9.8, 40), tail.substr(2));
}

TEST(CliProgressBarTest, BarShowsStatusOtherThanRunning) {
  JobProgress paused = Running(10, 4);
  paused.status = "paused";
  paused.status_reason = "circuit open";
  std::string line = RenderProgressBar(paused, std::nullopt, 120);
  EXPECT_NE(line.find("4/10  40%"), std::string::npos) << line;
  EXPECT_NE(line.find("-/s  ETA --:--  paused: circuit open"), std::string::npos) << line;
  JobProgress done = Running(10, 10);
  done.status = "completed";
  line = RenderProgressBar(done, 12.5, 80);
  EXPECT_EQ(line.substr(0, 3), "[##");
  EXPECT_EQ(line.find('-'), std::string::npos) << line;
  EXPECT_NE(line.find("100%"), std::string::npos) << line;
  EXPECT_EQ(line.find("completed"), std::string::npos) << line;
  JobProgress cancelled = Running(10, 3);
  cancelled.status = "cancelled";
  line = RenderProgressBar(cancelled, std::nullopt, 120);
  EXPECT_EQ(line.substr(line.size() - 11), "  cancelled") << line;
}

TEST(CliProgressBarTest, PlainLineForLogs) {
  EXPECT_EQ(RenderProgressLine(Running(100, 45, 1), 9.8),
            "job_1 running 45/100 (45%) succeeded 44 failed 1 9.8/s ETA 0:06");
  JobProgress paused = Running(100, 45, 1);
  paused.status = "paused";
  paused.status_reason = "circuit open";
  EXPECT_EQ(RenderProgressLine(paused, std::nullopt),
            "job_1 paused 45/100 (45%) succeeded 44 failed 1 -/s ETA --:-- (circuit open)");
}

TEST(CliProgressBarTest, Summaries) {
  JobProgress done = Running(100, 100, 1);
  done.status = "completed";
  done.elapsed_ms = 10'000;
  EXPECT_EQ(RenderSummary(done),
            "Replay job job_1 completed: 100 of 100 events replayed, 99 succeeded, 1 failed, "
            "in 0:10 (10.0/s).");
  JobProgress cancelled = Running(100, 40);
  cancelled.status = "cancelled";
  cancelled.elapsed_ms = 400;
  EXPECT_EQ(RenderSummary(cancelled),
            "Replay job job_1 cancelled after 40 of 100 events: 40 succeeded, 0 failed, in 0:00 "
            "(100/s).");
  cancelled.elapsed_ms.reset();
  EXPECT_EQ(RenderSummary(cancelled),
            "Replay job job_1 cancelled after 40 of 100 events: 40 succeeded, 0 failed.");
  cancelled.fixed = 3;
  cancelled.regressed = 1;
  EXPECT_EQ(RenderSummary(cancelled),
            "Replay job job_1 cancelled after 40 of 100 events: 40 succeeded, 0 failed. Against "
            "their last earlier attempt: 3 fixed, 1 regressed.");
}

TEST(CliProgressBarTest, ReadsTheJobAsTheApiReturnsIt) {
  JobProgress job = ParseJobProgress(boost::json::parse(R"({
    "id":"job_9","status":"completed","status_reason":null,"total":3,"processed":3,
    "succeeded":2,"failed":1,"eta_seconds":null,
    "started_at":"2026-03-01T00:00:00.000Z","completed_at":"2026-03-01T00:01:02.500Z"})"));
  EXPECT_EQ(job.id, "job_9");
  EXPECT_TRUE(job.ended());
  EXPECT_EQ(job.status_reason, "");
  EXPECT_EQ(job.total, 3);
  EXPECT_EQ(job.succeeded, 2);
  EXPECT_EQ(job.failed, 1);
  EXPECT_EQ(job.server_eta_seconds, std::nullopt);
  EXPECT_EQ(job.elapsed_ms, 62'500);
  JobProgress running = ParseJobProgress(boost::json::parse(
      R"({"id":"job_9","status":"running","eta_seconds":7,"completed_at":null})"));
  EXPECT_FALSE(running.ended());
  EXPECT_EQ(running.server_eta_seconds, 7);
  EXPECT_EQ(running.elapsed_ms, std::nullopt);
  EXPECT_EQ(ParseJobProgress(boost::json::parse("[]")).total, 0);
}

}  // namespace
}  // namespace rehook::cli
