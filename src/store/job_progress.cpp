#include "store/job_progress.h"

#include <map>
#include <string>

namespace rehook {
namespace {

// The statuses batch_sql::kUpdateReplayProgress never changes (it only moves a job that is
// running or paused): keep the two in step.
bool EndsTheJob(ReplayStatus status) {
  return status == ReplayStatus::completed || status == ReplayStatus::cancelled;
}

}  // namespace

std::vector<ReplayProgress> LastProgressPerJob(const std::vector<ReplayProgress>& progress) {
  std::map<std::string, ReplayProgress> jobs;
  for (const ReplayProgress& next : progress) {
    auto [found, first] = jobs.try_emplace(next.job_id);
    ReplayProgress& job = found->second;
    if (first) job.job_id = next.job_id;
    job.processed = next.processed;
    job.succeeded = next.succeeded;
    job.failed = next.failed;
    job.fixed = next.fixed;
    job.regressed = next.regressed;
    if (next.cursor) job.cursor = next.cursor;
    if (next.status && !(job.status && EndsTheJob(*job.status))) {
      job.status = next.status;
      job.status_reason = next.status_reason;
      job.completed_at = next.completed_at;
      job.expires_at = next.expires_at;
    }
  }
  std::vector<ReplayProgress> last;
  last.reserve(jobs.size());
  for (auto& [id, job] : jobs) last.push_back(std::move(job));
  return last;
}

}  // namespace rehook
