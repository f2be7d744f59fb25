// SqliteStore: group-committed writes (captured events with their deliveries, delivery
// outcomes), delivery tasks and the attempt log.
#include "store/header_codec.h"
#include "store/sqlite/sqlite_rows.h"
#include "store/sqlite/sqlite_store.h"

namespace rehook {
namespace {

void InsertEvent(sqlite::Database& db, const Event& event) {
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
std::string ClaimDedupKey(sqlite::Database& db, const Event& event,
                          const NewEvent::DedupClaim& claim) {
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

void InsertTask(sqlite::Database& db, const DeliveryTask& task) {
  auto insert = db.Prepare(std::string("INSERT INTO delivery_tasks (") + rows::kTaskColumns +
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  insert->BindAll(task.id, task.org_id, task.event_id, task.destination_id, task.connection_id,
                  task.attempts, task.next_attempt_at, task.lease_owner, task.lease_until,
                  task.created_at);
  insert->Run();
}

void InsertAttempt(sqlite::Database& db, const DeliveryAttempt& attempt) {
  auto insert =
      db.Prepare(std::string("INSERT INTO delivery_attempts (") + rows::kAttemptColumns +
                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
  sqlite::BindAttempt(*insert, attempt);
  insert->Run();
}

void ApplyTaskUpdate(sqlite::Database& db, const TaskUpdate& update) {
  if (update.attempt) InsertAttempt(db, *update.attempt);
  if (update.retry_at) {
    auto reschedule = db.Prepare(
        "UPDATE delivery_tasks SET attempts = attempts + ?2, next_attempt_at = ?3, "
        "lease_owner = '', lease_until = 0 WHERE id = ?1");
    reschedule->BindAll(update.task_id, update.attempt ? 1 : 0, *update.retry_at);
    reschedule->Run();
  } else {
    auto finish = db.Prepare("DELETE FROM delivery_tasks WHERE id = ?1");
    finish->BindAll(update.task_id);
    finish->Run();
  }
}

void ApplyReplayProgress(sqlite::Database& db, const ReplayProgress& progress) {
  if (progress.attempt) InsertAttempt(db, *progress.attempt);
  // Counters and cursor always; a status change only while the job is live (a cancellation
  // made through the API meanwhile stands).
  auto update = db.Prepare(
      "UPDATE replay_jobs SET processed = ?2, succeeded = ?3, failed = ?4, fixed = ?11, "
      "regressed = ?12, "
      "cursor_time = COALESCE(?5, cursor_time), cursor_id = COALESCE(?6, cursor_id), "
      "status = CASE WHEN ?7 IS NOT NULL AND status IN ('running', 'paused') THEN ?7 ELSE status "
      "END, "
      "status_reason = CASE WHEN ?7 IS NOT NULL AND status IN ('running', 'paused') THEN ?8 ELSE "
      "status_reason END, "
      "completed_at = CASE WHEN ?7 IS NOT NULL AND status IN ('running', 'paused') THEN ?9 ELSE "
      "completed_at END, "
      "expires_at = CASE WHEN ?7 IS NOT NULL AND status IN ('running', 'paused') THEN ?10 ELSE "
      "expires_at END "
      "WHERE id = ?1");
  std::optional<std::string> status;
  if (progress.status) status = std::string(ReplayStatusName(*progress.status));
  update->BindAll(progress.job_id, progress.processed, progress.succeeded, progress.failed,
                  progress.cursor ? std::optional(progress.cursor->time) : std::nullopt,
                  progress.cursor ? std::optional(progress.cursor->id) : std::nullopt, status,
                  progress.status_reason, progress.completed_at, progress.expires_at,
                  progress.fixed, progress.regressed);
  update->Run();
}

}  // namespace

BatchResult SqliteStore::ApplyBatch(const WriteBatch& batch) {
  BatchResult result;
  if (batch.empty()) return result;
  WithWriterUnsynced([&](sqlite::Database& db) {
    sqlite::Transaction transaction(db);
    for (const NewEvent& item : batch.events) {
      std::string original = item.dedup ? ClaimDedupKey(db, *item.event, *item.dedup) : "";
      if (original.empty()) {
        InsertEvent(db, *item.event);
        for (const DeliveryTask& task : item.tasks) InsertTask(db, task);
      }
      result.duplicate_of.push_back(std::move(original));
    }
    for (const TaskUpdate& update : batch.task_updates) ApplyTaskUpdate(db, update);
    for (const ReplayProgress& progress : batch.replay_progress) ApplyReplayProgress(db, progress);
    transaction.Commit();
  });
  wal_->StartWriteback();
  return result;
}

void SqliteStore::SyncBatches() { wal_->Sync(); }

std::vector<DeliveryTask> SqliteStore::ClaimDueTasks(TimeMs now, const std::string& owner,
                                                     TimeMs lease_until, int limit) {
  // Leases need not survive a crash (a lost lease only frees the task early), so no fsync.
  return WithWriterUnsynced([&](sqlite::Database& db) {
    auto claim = db.Prepare(
        std::string("UPDATE delivery_tasks SET lease_owner = ?1, lease_until = ?2 WHERE id IN ("
                    "SELECT id FROM delivery_tasks WHERE next_attempt_at <= ?3 AND "
                    "(lease_owner = '' OR lease_until <= ?3) ORDER BY next_attempt_at LIMIT ?4) "
                    "RETURNING ") +
        rows::kTaskColumns);
    claim->BindAll(owner, lease_until, now, limit);
    std::vector<DeliveryTask> tasks;
    while (claim->Step()) tasks.push_back(rows::ReadTask(*claim));
    return tasks;
  });
}

void SqliteStore::ReleaseLeases(const std::string& owner) {
  WithWriterUnsynced([&](sqlite::Database& db) {
    auto release = db.Prepare(
        "UPDATE delivery_tasks SET lease_owner = '', lease_until = 0 WHERE lease_owner = ?1");
    release->BindAll(owner);
    release->Run();
    auto release_jobs = db.Prepare(
        "UPDATE replay_jobs SET lease_owner = '', lease_until = 0 WHERE lease_owner = ?1");
    release_jobs->BindAll(owner);
    release_jobs->Run();
  });
}

WorkCounts SqliteStore::CountWork() {
  auto db = readers_.Acquire();
  WorkCounts counts;
  auto tasks = db->Prepare("SELECT COUNT(*), COALESCE(SUM(attempts > 0), 0) FROM delivery_tasks");
  tasks->Step();
  counts.pending_deliveries = tasks->Int64(0);
  counts.pending_retries = tasks->Int64(1);
  auto jobs = db->Prepare("SELECT status, COUNT(*) FROM replay_jobs GROUP BY status");
  while (jobs->Step()) counts.AddReplayJobs(jobs->Text(0), jobs->Int64(1));
  return counts;
}

std::vector<DeliveryAttempt> SqliteStore::ListAttemptsOfEvent(const std::string& org_id,
                                                              const std::string& event_id) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(std::string("SELECT ") + rows::kAttemptColumns +
                            " FROM delivery_attempts WHERE event_id = ?1 AND org_id = ?2 "
                            "ORDER BY seq");
  select->BindAll(event_id, org_id);
  std::vector<DeliveryAttempt> attempts;
  while (select->Step()) attempts.push_back(rows::ReadAttempt(*select));
  return attempts;
}

}  // namespace rehook
