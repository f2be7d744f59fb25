#pragma once
// Store role: who works on what. Delivery tasks and replay jobs are leased to one node at a
// time; a lease that lapses (its node died) lets another node take the work over.

#include <optional>
#include <string>
#include <vector>

#include "domain/delivery.h"
#include "domain/replay.h"
#include "store/queries.h"

namespace rehook {

class WorkLeases {
 public:
  virtual ~WorkLeases() = default;

  // Leases up to `limit` tasks that are due (next_attempt_at <= now) and held by no node to
  // `owner` until `lease_until`, oldest due first, and returns them: retries whose time came,
  // and tasks released or never leased. Found through an index of unleased tasks only.
  virtual std::vector<DeliveryTask> ClaimDueTasks(TimeMs now, const std::string& owner,
                                                  TimeMs lease_until, int limit) = 0;
  // The same for due tasks whose lease lapsed (the node holding them died, or failed to record
  // their outcome). Reads the whole task table: live deliveries are leased from their capture
  // on, and keeping them out of the index spares every forwarded event two index writes, so
  // call this rarely (the forwarder does every half lease).
  virtual std::vector<DeliveryTask> ClaimLapsedTasks(TimeMs now, const std::string& owner,
                                                     TimeMs lease_until, int limit) = 0;
  // Leases up to `limit` running or paused jobs that nobody holds (or whose lease lapsed).
  virtual std::vector<ReplayJob> ClaimReplayJobs(TimeMs now, const std::string& owner,
                                                 TimeMs lease_until, int limit) = 0;
  // Extends `owner`'s lease; returns the job's current state, or nullopt when the lease is
  // lost (another node took the job) or the job is gone.
  virtual std::optional<ReplayJob> RenewReplayLease(const std::string& id, const std::string& owner,
                                                    TimeMs lease_until) = 0;
  // Frees the delivery task and replay job leases of `owner` (a node taking back what it held
  // before a restart).
  virtual void ReleaseLeases(const std::string& owner) = 0;
  // Work waiting across all organizations and nodes (for /metrics).
  virtual WorkCounts CountWork() = 0;
};

}  // namespace rehook
