#pragma once
// The SQLite event log: the shared reads of SqlEventLog, and the writes SQLite does its own
// way. A batch is applied on the writer connection without waiting for durability; SyncBatches
// fsyncs the WAL once for every batch applied so far (see wal_sync.h), so the group-commit
// writer inserts batch N+1 while batch N is being flushed.

#include "store/sql/sql_event_log.h"
#include "store/sqlite/sqlite_backend.h"

namespace rehook {

class SqliteEventLog final : public SqlEventLog {
 public:
  explicit SqliteEventLog(sqlite::SqliteBackend& backend)
      : SqlEventLog(backend), sqlite_(backend) {}

  BatchResult ApplyBatch(const WriteBatch& batch) override;
  void SyncBatches() override;
  bool DeleteEvent(const std::string& org_id, const std::string& id) override;
  int DeleteEventsBefore(const std::string& org_id, TimeMs cutoff, int limit) override;
  void ReclaimSpace() override;

 private:
  sqlite::SqliteBackend& sqlite_;
};

}  // namespace rehook
