// SqliteStore: erasure of single events and retention of old ones.
#include "common/ids.h"
#include "store/sqlite/sqlite_store.h"

namespace rehook {
namespace {

// Everything recorded about the events in the temporary table `erased_events`, then the events.
// secure_delete (see sqlite_db.cpp) overwrites the freed bytes, so bodies do not linger in free
// pages; incremental vacuum later gives the pages back to the file system.
void EraseMarkedEvents(sqlite::Database& db) {
  for (const char* table :
       {"delivery_tasks", "delivery_attempts", "single_replays", "dedup_keys"}) {
    db.Exec(std::string("DELETE FROM ") + table +
            " WHERE event_id IN (SELECT id FROM erased_events)");
  }
  db.Exec("DELETE FROM events WHERE seq IN (SELECT seq FROM erased_events)");
  db.Exec("DELETE FROM erased_events");
}

void PrepareMarks(sqlite::Database& db) {
  // By seq as well as id: events has no index on id (see GetEvent).
  db.Exec("CREATE TEMP TABLE IF NOT EXISTS erased_events (seq INTEGER PRIMARY KEY, id TEXT)");
  db.Exec("DELETE FROM erased_events");
}

}  // namespace

bool SqliteStore::DeleteEvent(const std::string& org_id, const std::string& id) {
  return WithWriter([&](sqlite::Database& db) {
    sqlite::Transaction transaction(db);
    PrepareMarks(db);
    const std::optional<TimeMs> received_at = IdTime(id, "evt");
    if (!received_at) return false;
    auto mark = db.Prepare(
        "INSERT INTO erased_events (seq, id) SELECT seq, id FROM events "
        "WHERE org_id = ?2 AND received_at = ?3 AND id = ?1");
    mark->BindAll(id, org_id, *received_at);
    mark->Run();
    bool found = db.Changes() > 0;
    EraseMarkedEvents(db);
    transaction.Commit();
    return found;
  });
}

int SqliteStore::DeleteEventsBefore(const std::string& org_id, TimeMs cutoff, int limit) {
  return WithWriter([&](sqlite::Database& db) {
    sqlite::Transaction transaction(db);
    PrepareMarks(db);
    auto mark = db.Prepare(
        "INSERT INTO erased_events (seq, id) SELECT seq, id FROM events WHERE org_id = ?1 AND "
        "received_at < ?2 ORDER BY received_at LIMIT ?3");
    mark->BindAll(org_id, cutoff, limit);
    mark->Run();
    int marked = static_cast<int>(db.Changes());
    if (marked > 0) EraseMarkedEvents(db);
    transaction.Commit();
    return marked;
  });
}

int SqliteStore::DeleteDedupKeysBefore(TimeMs cutoff, int limit) {
  return WithWriter([&](sqlite::Database& db) {
    auto remove = db.Prepare(
        "DELETE FROM dedup_keys WHERE (source_id, key_hash) IN (SELECT source_id, key_hash FROM "
        "dedup_keys WHERE seen_at < ?1 "
        "LIMIT ?2)");
    remove->BindAll(cutoff, limit);
    remove->Run();
    return static_cast<int>(db.Changes());
  });
}

void SqliteStore::ReclaimSpace() {
  // A bounded step each time (pages of 16 KiB), so the writer is never held for long.
  WithWriter([&](sqlite::Database& db) { db.Exec("PRAGMA incremental_vacuum(2000)"); });
}

}  // namespace rehook
