#pragma once
// EventLog over the SQL backend: reads of events and attempts, written once for both engines.
// The writes each engine does its own way are left to its subclass: the group-committed batch
// (SQLite: statements on the writer, synced later by SyncBatches; PostgreSQL: one pipeline),
// erasure (SQLite: through a temporary table, as events has no index on id there; PostgreSQL:
// one statement of data-modifying CTEs) and space reclaim (SQLite's incremental vacuum).

#include "store/roles/event_log.h"
#include "store/sql/sql_backend.h"
#include "store/sql/time_windows.h"

namespace rehook {

class SqlEventLog : public EventLog {
 public:
  explicit SqlEventLog(sql::Backend& backend) : backend_(backend) {}

  std::optional<Event> GetEvent(const std::string& org_id, const std::string& id,
                                bool with_body) override;
  Page<Event> ListEvents(const EventQuery& query) override;
  std::vector<Event> ListEventsForReplay(const ReplayRange& range) override;
  std::vector<CommittedEvent> ListCommittedAfter(const CommittedQuery& query) override;
  std::optional<CommitPosition> PositionOf(const std::string& org_id,
                                           const std::string& id) override;
  CommitPosition LatestPosition() override;
  std::vector<DeliveryAttempt> ListAttemptsOfEvent(const std::string& org_id,
                                                   const std::string& event_id) override;
  std::unordered_map<std::string, DeliveryStanding> StandingsAtDestination(
      const std::string& org_id, const std::string& destination_id,
      const std::vector<std::string>& event_ids) override;
  int DeleteDedupKeysBefore(TimeMs cutoff, int limit) override;
  // No days (SQLite): erasure by row at the exact cutoff.
  TimeMs ErasureCutoff(TimeMs cutoff) override { return cutoff; }
  std::int64_t DropExpiredDays(const std::unordered_map<std::string, TimeMs>&) override {
    return 0;
  }
  void PrepareDays(TimeMs) override {}

 protected:
  // How listings over time are read (sql/time_windows.h): in windows from `anchor`, a recent
  // time, or (nullopt) in one query per page, as SQLite does (one table, whose index serves any
  // range alike).
  struct Windowing {
    sql::TimeWindows windows;
    TimeMs anchor = 0;
  };
  virtual std::optional<Windowing> ListingWindows() const { return std::nullopt; }

  sql::Backend& backend_;

 private:
  // One window of a listing: up to `limit` events of [lower, upper] (open where absent).
  std::vector<Event> ListNewestFirst(const EventQuery& query, std::optional<TimeMs> lower,
                                     std::optional<TimeMs> upper, int limit);
  std::vector<Event> ListOldestFirst(const ReplayRange& range, TimeMs lower, TimeMs upper,
                                     int limit);
  std::vector<Event> ListFailedForReplay(const ReplayRange& range);
};

}  // namespace rehook
