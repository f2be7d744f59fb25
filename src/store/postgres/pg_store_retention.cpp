// PgStore: erasure of single events and retention of old ones.
#include "store/postgres/pg_store.h"

namespace rehook {

using pg::Params;

namespace {

// One statement erases the events `doomed` selects with everything recorded about them: the
// data-modifying CTEs share one snapshot, so the same ids go from every table.
std::string EraseEventsSql(const std::string& doomed) {
  std::string sql = "WITH doomed AS (" + doomed + ")";
  for (const char* table :
       {"delivery_tasks", "delivery_attempts", "single_replays", "dedup_keys"}) {
    sql += std::string(", erased_") + table + " AS (DELETE FROM " + table +
           " WHERE event_id IN (SELECT id FROM doomed))";
  }
  return sql + " DELETE FROM events WHERE id IN (SELECT id FROM doomed)";
}

const std::string kDeleteEvent =
    EraseEventsSql("SELECT id FROM events WHERE id = $1 AND org_id = $2");
const std::string kDeleteEventsBefore = EraseEventsSql(
    "SELECT id FROM events WHERE org_id = $1 AND received_at < $2 ORDER BY received_at "
    "LIMIT $3");

}  // namespace

bool PgStore::DeleteEvent(const std::string& org_id, const std::string& id) {
  auto db = pool_.Acquire();
  return db->Exec(kDeleteEvent, Params(id, org_id)).affected() > 0;
}

int PgStore::DeleteEventsBefore(const std::string& org_id, TimeMs cutoff, int limit) {
  auto db = pool_.Acquire();
  return static_cast<int>(db->Exec(kDeleteEventsBefore, Params(org_id, cutoff, limit)).affected());
}

int PgStore::DeleteDedupKeysBefore(TimeMs cutoff, int limit) {
  auto db = pool_.Acquire();
  return static_cast<int>(
      db->Exec("DELETE FROM dedup_keys WHERE (source_id, key_hash) IN (SELECT source_id, "
               "key_hash FROM dedup_keys WHERE seen_at < $1 LIMIT $2)",
               Params(cutoff, limit))
          .affected());
}

// PostgreSQL's autovacuum reclaims the space of deleted rows (bodies live in TOAST tables,
// which it vacuums too); nothing to do here.
void PgStore::ReclaimSpace() {}

}  // namespace rehook
