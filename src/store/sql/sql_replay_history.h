#pragma once
// ReplayHistory over the SQL backend, for either engine.

#include "store/roles/replay_history.h"
#include "store/sql/sql_backend.h"

namespace rehook {

class SqlReplayHistory final : public ReplayHistory {
 public:
  explicit SqlReplayHistory(sql::Backend& backend) : backend_(backend) {}

  void InsertReplayJob(const ReplayJob& job) override;
  std::optional<ReplayJob> GetReplayJob(const std::string& org_id, const std::string& id) override;
  Page<ReplayJob> ListReplayJobs(const std::string& org_id, TimeMs now,
                                 const PageRequest& page) override;
  bool CancelReplayJob(const std::string& org_id, const std::string& id, TimeMs now,
                       TimeMs expires_at) override;
  Page<DeliveryAttempt> ListAttemptsOfJob(const std::string& org_id, const std::string& job_id,
                                          std::optional<ReplayOutcome> outcome,
                                          const PageRequest& page) override;
  std::vector<std::optional<bool>> LastResultsAtDestination(
      const std::string& org_id, const std::string& destination_id,
      const std::vector<std::string>& event_ids, const std::string& job_id) override;
  std::vector<std::string> ListReplayedEventIds(const std::string& job_id) override;
  int DeleteExpiredReplayJobs(TimeMs now, int limit) override;

  void InsertSingleReplay(const SingleReplay& replay) override;
  std::optional<bool> LastResultAtUrl(const std::string& org_id, const std::string& event_id,
                                      const std::string& url) override;
  std::vector<SingleReplay> ListSingleReplays(const std::string& org_id,
                                              const std::string& event_id) override;

 private:
  sql::Backend& backend_;
};

}  // namespace rehook
