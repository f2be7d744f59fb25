#pragma once
// The PostgreSQL event log: the shared reads of SqlEventLog, and the writes PostgreSQL does its
// own way. A batch goes to the server as one pipeline (one round trip, one transaction) however
// many events it holds, committed with synchronous_commit on, so SyncBatches has nothing left
// to do; erasure is one statement of data-modifying CTEs.

#include <atomic>

#include "store/postgres/pg_backend.h"
#include "store/sql/sql_event_log.h"

namespace rehook {

class PgEventLog final : public SqlEventLog {
 public:
  explicit PgEventLog(pg::PgBackend& backend);

  BatchResult ApplyBatch(const WriteBatch& batch) override;
  // ApplyBatch's commits are durable already.
  void SyncBatches() override {}
  bool DeleteEvent(const std::string& org_id, const std::string& id) override;
  int DeleteEventsBefore(const std::string& org_id, TimeMs cutoff, int limit) override;
  // A partition per UTC day (store/postgres/pg_days.h).
  TimeMs ErasureCutoff(TimeMs cutoff) override;
  std::int64_t DropExpiredDays(
      const std::unordered_map<std::string, TimeMs>& cutoff_by_org) override;
  void PrepareDays(TimeMs now) override;
  // Autovacuum reclaims the space of deleted rows (bodies live in TOAST tables, which it
  // vacuums too): nothing to do.
  void ReclaimSpace() override {}

 protected:
  // Listings read a day first, then two, four, ... 32 days, then the rest: each read is
  // pruned to its days, and a busy store's page comes from the first (sql/time_windows.h).
  std::optional<Windowing> ListingWindows() const override;

 private:
  pg::PgBackend& pg_;
  // The time PrepareDays was last given (0 before): the listings' anchor.
  std::atomic<TimeMs> latest_now_{0};
  // This process's rows of the traffic rollups (one of kTrafficShards, at random): nodes that
  // share the database add to rows of their own, so a busy minute is not one row every node's
  // batch waits to lock. Two nodes that happen to draw the same shard are still counted right.
  const int traffic_shard_;
};

}  // namespace rehook
