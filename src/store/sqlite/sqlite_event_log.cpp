#include "store/sqlite/sqlite_event_log.h"

#include "common/ids.h"
#include "store/header_codec.h"
#include "store/job_progress.h"
#include "store/sql/batch_sql.h"

namespace rehook {
namespace {

using sqlite::Database;

void InsertEvent(Database& db, const Event& event) {
  RequireIdCarriesTime(event);  // GetEvent finds it through that time (no index on id)
  auto insert = db.Prepare(
      "INSERT INTO events (id, org_id, source_id, received_at, method, path, query, headers, "
      "client_ip, size, verified, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
      "?12)");
  std::string headers = EncodeHeaders(event.headers);
  insert->BindAll(event.id, event.org_id, event.source_id, event.received_at, event.method,
                  event.path, event.query, sqlite::Blob{headers}, event.client_ip, event.size,
                  event.verified, sqlite::Blob{event.body});
  insert->Run();
}

// Takes the event's dedup key for it unless an earlier event holds the key within the window;
// returns that earlier event's id, or "" when the key is now the event's. The writer is the only
// one writing, so reading and then writing within its transaction cannot race.
std::string ClaimDedupKey(Database& db, const Event& event, const NewEvent::DedupClaim& claim) {
  auto holder = db.Prepare(
      "SELECT event_id FROM dedup_keys WHERE source_id = ?1 AND key_hash = ?2 AND seen_at >= ?3");
  holder->BindAll(event.source_id, claim.key_hash, claim.window_start);
  if (holder->Step()) return holder->Text(0);
  auto take = db.Prepare(
      "INSERT INTO dedup_keys (source_id, key_hash, event_id, seen_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (source_id, key_hash) DO UPDATE SET event_id = excluded.event_id, "
      "seen_at = excluded.seen_at");
  take->BindAll(event.source_id, claim.key_hash, event.id, event.received_at);
  take->Run();
  return "";
}

void InsertTask(Database& db, const DeliveryTask& task) {
  auto insert = db.Prepare(batch_sql::kInsertTask);
  batch_sql::WithTaskValues(task, [&](const auto&... values) { insert->BindAll(values...); });
  insert->Run();
}

void InsertAttempt(Database& db, const DeliveryAttempt& attempt) {
  auto insert = db.Prepare(batch_sql::kInsertAttempt);
  batch_sql::WithAttemptValues(attempt, [&](const auto&... values) { insert->BindAll(values...); });
  insert->Run();
  if (attempt.skipped) return;
  auto standing = db.Prepare(batch_sql::kUpdateStanding);
  batch_sql::WithStandingValues(attempt,
                                [&](const auto&... values) { standing->BindAll(values...); });
  standing->Run();
}

void ApplyTaskUpdate(Database& db, const TaskUpdate& update) {
  if (update.attempt) InsertAttempt(db, *update.attempt);
  if (update.retry_at) {
    auto reschedule = db.Prepare(batch_sql::kRescheduleTask);
    reschedule->BindAll(update.task_id, update.connection_id, update.attempt ? 1 : 0,
                        *update.retry_at);
    reschedule->Run();
  } else {
    auto finish = db.Prepare(batch_sql::kFinishTask);
    finish->BindAll(update.task_id, update.connection_id);
    finish->Run();
  }
}

// One writer: its rows are all shard 0.
void AddTraffic(Database& db, const TrafficRollup& rollup) {
  for (const auto& [key, counts] : rollup) {
    auto add = db.Prepare(batch_sql::kAddTraffic);
    batch_sql::WithTrafficValues(key, counts, 0,
                                 [&](const auto&... values) { add->BindAll(values...); });
    add->Run();
  }
}

void ApplyHealthChanges(Database& db, const WriteBatch& batch) {
  for (const HealthChange& change : HealthChanges(batch)) {
    batch_sql::WithHealthChange(change, [&](const std::string& sql, const auto&... values) {
      auto update = db.Prepare(sql);
      update->BindAll(values...);
      update->Run();
    });
  }
}

void ApplyReplayProgress(Database& db, const std::vector<ReplayProgress>& progress) {
  for (const ReplayProgress& delivery : progress) {
    if (delivery.attempt) InsertAttempt(db, *delivery.attempt);
  }
  for (const ReplayProgress& job : LastProgressPerJob(progress)) {
    auto update = db.Prepare(batch_sql::kUpdateReplayProgress);
    batch_sql::WithReplayProgressValues(job,
                                        [&](const auto&... values) { update->BindAll(values...); });
    update->Run();
  }
}

// Everything recorded about the events in the temporary table `erased_events`, then the events.
// secure_delete (see sqlite_db.cpp) overwrites the freed bytes, so bodies do not linger in free
// pages; incremental vacuum later gives the pages back to the file system.
void EraseMarkedEvents(Database& db) {
  for (const char* table : {"delivery_tasks", "delivery_attempts", "delivery_standings",
                            "single_replays", "dedup_keys"}) {
    db.Exec(std::string("DELETE FROM ") + table +
            " WHERE event_id IN (SELECT id FROM erased_events)");
  }
  db.Exec("DELETE FROM events WHERE seq IN (SELECT seq FROM erased_events)");
  db.Exec("DELETE FROM erased_events");
}

void PrepareMarks(Database& db) {
  // By seq as well as id: events has no index on id (see GetEvent).
  db.Exec("CREATE TEMP TABLE IF NOT EXISTS erased_events (seq INTEGER PRIMARY KEY, id TEXT)");
  db.Exec("DELETE FROM erased_events");
}

}  // namespace

BatchResult SqliteEventLog::ApplyBatch(const WriteBatch& batch) {
  BatchResult result;
  if (batch.empty()) return result;
  sqlite_.WithWriterUnsynced([&](Database& db) {
    sqlite::Transaction transaction(db);
    TrafficRollup traffic;
    for (const NewEvent& item : batch.events) {
      std::string original = item.dedup ? ClaimDedupKey(db, *item.event, *item.dedup) : "";
      if (original.empty()) {
        InsertEvent(db, *item.event);
        for (const DeliveryTask& task : item.tasks) InsertTask(db, task);
        AddCapture(traffic, item);
      }
      result.duplicate_of.push_back(std::move(original));
    }
    for (const TaskUpdate& update : batch.task_updates) ApplyTaskUpdate(db, update);
    ApplyReplayProgress(db, batch.replay_progress);
    for (const DeliveryAttempt& attempt : batch.attempts) InsertAttempt(db, attempt);
    ApplyHealthChanges(db, batch);
    AddAttempts(traffic, batch);
    AddTraffic(db, traffic);
    transaction.Commit();
  });
  sqlite_.wal().StartWriteback();
  return result;
}

void SqliteEventLog::SyncBatches() { sqlite_.wal().Sync(); }

bool SqliteEventLog::DeleteEvent(const std::string& org_id, const std::string& id) {
  const std::optional<TimeMs> received_at = IdTime(id, "evt");
  if (!received_at) return false;
  const bool found = sqlite_.WithWriterUnsynced([&](Database& db) {
    sqlite::Transaction transaction(db);
    PrepareMarks(db);
    auto mark = db.Prepare(
        "INSERT INTO erased_events (seq, id) SELECT seq, id FROM events "
        "WHERE org_id = ?2 AND received_at = ?3 AND id = ?1");
    mark->BindAll(id, org_id, *received_at);
    mark->Run();
    const bool marked = db.Changes() > 0;
    EraseMarkedEvents(db);
    transaction.Commit();
    return marked;
  });
  sqlite_.wal().Sync();
  return found;
}

int SqliteEventLog::DeleteEventsBefore(const std::string& org_id, TimeMs cutoff, int limit) {
  const int erased = sqlite_.WithWriterUnsynced([&](Database& db) {
    sqlite::Transaction transaction(db);
    PrepareMarks(db);
    auto mark = db.Prepare(
        "INSERT INTO erased_events (seq, id) SELECT seq, id FROM events WHERE org_id = ?1 AND "
        "received_at < ?2 ORDER BY received_at LIMIT ?3");
    mark->BindAll(org_id, cutoff, limit);
    mark->Run();
    const int marked = static_cast<int>(db.Changes());
    if (marked > 0) EraseMarkedEvents(db);
    transaction.Commit();
    return marked;
  });
  sqlite_.wal().Sync();
  return erased;
}

void SqliteEventLog::ReclaimSpace() {
  // A bounded step each time (pages of 16 KiB), so the writer is never held for long.
  sqlite_.WithWriterUnsynced([](Database& db) { db.Exec("PRAGMA incremental_vacuum(2000)"); });
  sqlite_.wal().Sync();
}

}  // namespace rehook
