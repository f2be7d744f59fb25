#pragma once
// What `--follow` shows of a replay job: a progress bar redrawn in place on a terminal, plain
// lines in logs, and a summary when the job ends. Everything here is pure (no clock, no I/O):
// callers pass the time and the rate in, which keeps rendering and ETA arithmetic testable.

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>

namespace rehook::cli {

// The fields of a replay job (GET /v1/replay/{id}) that progress is drawn from.
struct JobProgress {
  std::string id;
  std::string status;         // running, paused, completed, cancelled
  std::string status_reason;  // why it is paused, when the server says
  std::int64_t total = 0;
  std::int64_t processed = 0;
  std::int64_t succeeded = 0;
  std::int64_t failed = 0;
  std::int64_t fixed = 0;      // compared with each event's last earlier attempt
  std::int64_t regressed = 0;  // at the destination
  std::optional<std::int64_t> server_eta_seconds;  // the job's rate limit applied to what is left
  std::optional<std::int64_t> elapsed_ms;          // started_at to completed_at, once ended

  bool ended() const { return status == "completed" || status == "cancelled"; }
};

// Reads a job as the API returns it; absent or mistyped fields keep their defaults.
JobProgress ParseJobProgress(const boost::json::value& job);

// Events per second over the last `window` of samples: steadier than the rate between two
// polls, and it follows a job that slows down (a paused circuit, a slow destination).
class RateMeter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateMeter(std::chrono::milliseconds window = std::chrono::seconds(10))
      : window_(window) {}

  void Add(Clock::time_point at, std::int64_t processed);
  // nullopt until two samples lie apart in time.
  std::optional<double> PerSecond() const;

 private:
  std::chrono::milliseconds window_;
  std::deque<std::pair<Clock::time_point, std::int64_t>> samples_;
};

// Seconds as "0:06", "12:34" or "1:02:03"; "--:--" when unknown.
std::string FormatDuration(std::optional<std::int64_t> seconds);

// "9.8/s", "120/s"; "-/s" when unknown.
std::string FormatRate(std::optional<double> per_second);

// Seconds until the job ends: what is left at the measured rate, else the server's estimate;
// nullopt while paused (it resumes when the destination recovers, which nobody can predict).
std::optional<std::int64_t> EstimateSecondsLeft(const JobProgress& job,
                                                std::optional<double> per_second);

// One terminal line, at most `width - 1` columns when `width` allows a bar at all:
//   [##########----------]  45/100  45%  ok 44  failed 1  9.8/s  ETA 0:06
// followed by the status while paused or once cancelled. Without the carriage return.
std::string RenderProgressBar(const JobProgress& job, std::optional<double> per_second, int width);

// One log line: "job_x running 45/100 (45%) succeeded 44 failed 1 9.8/s ETA 0:06".
std::string RenderProgressLine(const JobProgress& job, std::optional<double> per_second);

// The closing sentence, e.g. "Replay job job_x completed: 100 of 100 events replayed,
// 99 succeeded, 1 failed, in 0:10 (10.0/s)." When deliveries fixed or regressed an event
// (against its last earlier attempt), a second sentence says how many.
std::string RenderSummary(const JobProgress& job);

}  // namespace rehook::cli
