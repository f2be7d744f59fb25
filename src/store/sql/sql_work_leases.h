#pragma once
// WorkLeases over the SQL backend, for either engine. Claims differ by the dialect's
// skip_locked clause alone.

#include "store/roles/work_leases.h"
#include "store/sql/sql_backend.h"

namespace rehook {

class SqlWorkLeases final : public WorkLeases {
 public:
  explicit SqlWorkLeases(sql::Backend& backend);

  std::vector<DeliveryTask> ClaimDueTasks(TimeMs now, const std::string& owner, TimeMs lease_until,
                                          int limit) override;
  std::vector<DeliveryTask> ClaimLapsedTasks(TimeMs now, const std::string& owner,
                                             TimeMs lease_until, int limit) override;
  std::vector<ReplayJob> ClaimReplayJobs(TimeMs now, const std::string& owner, TimeMs lease_until,
                                         int limit) override;
  std::optional<ReplayJob> RenewReplayLease(const std::string& id, const std::string& owner,
                                            TimeMs lease_until) override;
  void ReleaseLeases(const std::string& owner) override;
  WorkCounts CountWork() override;

 private:
  // Runs claim_tasks_ or claim_lapsed_tasks_.
  std::vector<DeliveryTask> ClaimTasks(const std::string& claim, TimeMs now,
                                       const std::string& owner, TimeMs lease_until, int limit);

  sql::Backend& backend_;
  const std::string claim_tasks_;
  const std::string claim_lapsed_tasks_;
  const std::string claim_jobs_;
};

}  // namespace rehook
