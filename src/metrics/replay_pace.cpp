#include "metrics/replay_pace.h"

#include <algorithm>

namespace rehook {

void ReplayPaceBoard::Started(const std::string& job_id, int rate_limit,
                              std::chrono::nanoseconds lag, TimePoint when) {
  std::lock_guard lock(mutex_);
  auto [it, added] = jobs_.try_emplace(job_id);
  Job& job = it->second;
  if (added) job.first_start = when;
  job.rate_limit = rate_limit;
  job.lag_seconds = std::chrono::duration<double>(std::max(lag, lag.zero())).count();
  job.starts.push_back(when);
  while (!job.starts.empty() && job.starts.front() <= when - kWindow) job.starts.pop_front();
}

void ReplayPaceBoard::Forget(const std::string& job_id) {
  std::lock_guard lock(mutex_);
  jobs_.erase(job_id);
}

std::vector<ReplayPaceBoard::Pace> ReplayPaceBoard::Read(TimePoint now) const {
  std::vector<Pace> paces;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, job] : jobs_) {
      const auto recent = std::count_if(job.starts.begin(), job.starts.end(),
                                        [&](TimePoint start) { return start > now - kWindow; });
      // A job younger than the window is measured over its life so far (at least a second, so
      // its first start does not read as an enormous rate).
      const double seconds =
          std::clamp(std::chrono::duration<double>(now - job.first_start).count(), 1.0,
                     static_cast<double>(kWindow.count()));
      paces.push_back({id, job.rate_limit, static_cast<double>(recent) / seconds, job.lag_seconds});
    }
  }
  std::sort(paces.begin(), paces.end(),
            [](const Pace& a, const Pace& b) { return a.job_id < b.job_id; });
  return paces;
}

}  // namespace rehook
