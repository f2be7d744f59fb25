#pragma once
// Store role: replay jobs with their progress and attempts, and single-request replays.

#include <optional>
#include <string>
#include <vector>

#include "domain/delivery.h"
#include "domain/replay.h"
#include "store/queries.h"

namespace rehook {

class ReplayHistory {
 public:
  virtual ~ReplayHistory() = default;

  virtual void InsertReplayJob(const ReplayJob& job) = 0;
  // The job, also when expired (callers decide what expiry means).
  virtual std::optional<ReplayJob> GetReplayJob(const std::string& org_id,
                                                const std::string& id) = 0;
  // The org's jobs that have not expired at `now`, newest first.
  virtual Page<ReplayJob> ListReplayJobs(const std::string& org_id, TimeMs now,
                                         const PageRequest& page) = 0;
  // Cancels a running or paused job; false when it had already ended (or does not exist).
  virtual bool CancelReplayJob(const std::string& org_id, const std::string& id, TimeMs now,
                               TimeMs expires_at) = 0;
  // The job's attempts, oldest first, optionally only those with one outcome.
  virtual Page<DeliveryAttempt> ListAttemptsOfJob(const std::string& org_id,
                                                  const std::string& job_id,
                                                  std::optional<ReplayOutcome> outcome,
                                                  const PageRequest& page) = 0;
  // For each of `event_ids` sent to `destination_id` before (by forwarding or by a replay job
  // other than `job_id`): whether the last of those attempts succeeded; nullopt for an event
  // never sent there. Parallel to `event_ids`. For a whole page of a replay job at once; each
  // event's lookup stops at its latest attempt that counts, however many jobs sent it before.
  virtual std::vector<std::optional<bool>> LastResultsAtDestination(
      const std::string& org_id, const std::string& destination_id,
      const std::vector<std::string>& event_ids, const std::string& job_id) = 0;
  // Events the job has already made an attempt for (to skip them when it resumes).
  virtual std::vector<std::string> ListReplayedEventIds(const std::string& job_id) = 0;
  // Removes up to `limit` jobs expired at `now`; returns how many.
  virtual int DeleteExpiredReplayJobs(TimeMs now, int limit) = 0;

  virtual void InsertSingleReplay(const SingleReplay& replay) = 0;
  // Whether the last earlier send of the event to `url` succeeded: a single replay to that URL,
  // or an attempt to a destination that has that URL now. Nullopt when there was none.
  virtual std::optional<bool> LastResultAtUrl(const std::string& org_id,
                                              const std::string& event_id,
                                              const std::string& url) = 0;
  // Replays of one captured request, oldest first.
  virtual std::vector<SingleReplay> ListSingleReplays(const std::string& org_id,
                                                      const std::string& event_id) = 0;
};

}  // namespace rehook
