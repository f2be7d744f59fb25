#pragma once
// How each replay job running on this node keeps its pace, for per-job gauges on /metrics:
// the rate it achieved over the last few seconds against its rate_limit, and how late its
// latest delivery started compared with its schedule. The replay runner reports every start
// (on its lane) and forgets a job when it ends; /metrics reads (on an io thread).

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace rehook {

class ReplayPaceBoard {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // The achieved rate is measured over this trailing window (or since the job's first start).
  static constexpr std::chrono::seconds kWindow{10};

  struct Pace {
    std::string job_id;
    int rate_limit = 0;
    double achieved_per_second = 0;
    double lag_seconds = 0;
  };

  // A delivery of `job_id` started at `when`, `lag` after the time its schedule allowed.
  void Started(const std::string& job_id, int rate_limit, std::chrono::nanoseconds lag,
               TimePoint when);
  void Forget(const std::string& job_id);
  // Every job's pace as of `now`, ordered by job id.
  std::vector<Pace> Read(TimePoint now) const;

 private:
  struct Job {
    int rate_limit = 0;
    double lag_seconds = 0;
    TimePoint first_start;
    std::deque<TimePoint> starts;  // within the window, oldest first
  };

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Job> jobs_;
};

}  // namespace rehook
