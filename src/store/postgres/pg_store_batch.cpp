// PgStore: group-committed writes (captured events with their deliveries, delivery outcomes,
// replay progress), delivery tasks and the attempt log.
#include "store/header_codec.h"
#include "store/postgres/pg_store.h"
#include "store/row_readers.h"

namespace rehook {

using pg::Params;

namespace {

const std::string kInsertEvent =
    "INSERT INTO events (id, org_id, source_id, received_at, method, path, query, headers, "
    "client_ip, size, verified, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
// Deduplicated capture, in four statements of the batch's pipeline (no statement can branch on
// another's result): take the key unless an event holds it within the window, insert the event
// and its tasks only if the key is now the event's, then read who holds the key. A concurrent
// claim by another node waits on the key's row lock and then sees the winner's row.
const std::string kClaimDedupKey =
    "INSERT INTO dedup_keys (source_id, key_hash, event_id, seen_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (source_id, key_hash) DO UPDATE SET event_id = EXCLUDED.event_id, "
    "seen_at = EXCLUDED.seen_at WHERE dedup_keys.seen_at < $5";
const std::string kInsertEventHoldingKey =
    "INSERT INTO events (id, org_id, source_id, received_at, method, path, query, headers, "
    "client_ip, size, verified, body) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 "
    "WHERE EXISTS (SELECT 1 FROM dedup_keys WHERE source_id = $3 AND key_hash = $13 "
    "AND event_id = $1)";
const std::string kInsertTaskOfStoredEvent =
    std::string("INSERT INTO delivery_tasks (") + rows::kTaskColumns +
    ") SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 WHERE EXISTS (SELECT 1 FROM events "
    "WHERE id = $3)";
const std::string kDedupKeyHolder =
    "SELECT event_id FROM dedup_keys WHERE source_id = $1 AND key_hash = $2";
const std::string kInsertTask = std::string("INSERT INTO delivery_tasks (") + rows::kTaskColumns +
                                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const std::string kInsertAttempt =
    std::string("INSERT INTO delivery_attempts (") + rows::kAttemptColumns +
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
const std::string kRescheduleTask =
    "UPDATE delivery_tasks SET attempts = attempts + $2, next_attempt_at = $3, "
    "lease_owner = '', lease_until = 0 WHERE id = $1";
const std::string kFinishTask = "DELETE FROM delivery_tasks WHERE id = $1";
// Counters and cursor always; a status change only while the job is live (a cancellation made
// through the API meanwhile stands).
const std::string kUpdateReplayProgress =
    "UPDATE replay_jobs SET processed = $2, succeeded = $3, failed = $4, fixed = $11, "
    "regressed = $12, cursor_time = COALESCE($5, cursor_time), cursor_id = COALESCE($6, "
    "cursor_id), "
    "status = CASE WHEN $7::text IS NOT NULL AND status IN ('running', 'paused') THEN $7 "
    "ELSE status END, "
    "status_reason = CASE WHEN $7::text IS NOT NULL AND status IN ('running', 'paused') THEN $8 "
    "ELSE status_reason END, "
    "completed_at = CASE WHEN $7::text IS NOT NULL AND status IN ('running', 'paused') THEN $9 "
    "ELSE completed_at END, "
    "expires_at = CASE WHEN $7::text IS NOT NULL AND status IN ('running', 'paused') THEN $10 "
    "ELSE expires_at END "
    "WHERE id = $1";

Params EventParams(const Event& event) {
  return Params(event.id, event.org_id, event.source_id, event.received_at, event.method,
                pg::Bytes{event.path}, pg::Bytes{event.query},
                pg::Bytes{EncodeHeaders(event.headers)}, event.client_ip, event.size,
                event.verified, pg::Bytes{event.body});
}

Params TaskParams(const DeliveryTask& task) {
  return Params(task.id, task.org_id, task.event_id, task.destination_id, task.connection_id,
                task.attempts, task.next_attempt_at, task.lease_owner, task.lease_until,
                task.created_at);
}

Params AttemptParams(const DeliveryAttempt& attempt) {
  return Params(attempt.id, attempt.org_id, attempt.event_id, attempt.destination_id,
                attempt.connection_id, attempt.replay_job_id, attempt.attempt, attempt.status_code,
                attempt.response_time_ms, attempt.success, attempt.error, attempt.next_retry_at,
                attempt.created_at, rows::OutcomeColumn(attempt.outcome),
                pg::Bytes{attempt.response_body});
}

Params ReplayProgressParams(const ReplayProgress& progress) {
  std::optional<std::string> status;
  if (progress.status) status = std::string(ReplayStatusName(*progress.status));
  return Params(progress.job_id, progress.processed, progress.succeeded, progress.failed,
                progress.cursor ? std::optional(progress.cursor->time) : std::nullopt,
                progress.cursor ? std::optional(progress.cursor->id) : std::nullopt, status,
                progress.status_reason, progress.completed_at, progress.expires_at, progress.fixed,
                progress.regressed);
}

// `holders` gets one slot per batch event (filled for events with a dedup claim); it must not
// move until the statements have run.
std::vector<pg::Connection::Statement> BatchStatements(
    const WriteBatch& batch, std::vector<std::optional<pg::Result>>& holders) {
  std::vector<pg::Connection::Statement> statements;
  holders.resize(batch.events.size());
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const NewEvent& item = batch.events[i];
    const Event& event = *item.event;
    RequireIdCarriesTime(event);  // the same contract as the SQLite store, which relies on it
    if (!item.dedup) {
      statements.push_back({&kInsertEvent, EventParams(event)});
      for (const DeliveryTask& task : item.tasks) {
        statements.push_back({&kInsertTask, TaskParams(task)});
      }
      continue;
    }
    const std::string& key_hash = item.dedup->key_hash;
    statements.push_back({&kClaimDedupKey, Params(event.source_id, key_hash, event.id,
                                                  event.received_at, item.dedup->window_start)});
    Params event_params = EventParams(event);
    event_params.Add(key_hash);
    statements.push_back({&kInsertEventHoldingKey, std::move(event_params)});
    for (const DeliveryTask& task : item.tasks) {
      statements.push_back({&kInsertTaskOfStoredEvent, TaskParams(task)});
    }
    statements.push_back({&kDedupKeyHolder, Params(event.source_id, key_hash), &holders[i]});
  }
  for (const TaskUpdate& update : batch.task_updates) {
    if (update.attempt) statements.push_back({&kInsertAttempt, AttemptParams(*update.attempt)});
    if (update.retry_at) {
      statements.push_back(
          {&kRescheduleTask, Params(update.task_id, update.attempt ? 1 : 0, *update.retry_at)});
    } else {
      statements.push_back({&kFinishTask, Params(update.task_id)});
    }
  }
  for (const ReplayProgress& progress : batch.replay_progress) {
    if (progress.attempt) {
      statements.push_back({&kInsertAttempt, AttemptParams(*progress.attempt)});
    }
    statements.push_back({&kUpdateReplayProgress, ReplayProgressParams(progress)});
  }
  return statements;
}

}  // namespace

BatchResult PgStore::ApplyBatch(const WriteBatch& batch) {
  BatchResult result;
  if (batch.empty()) return result;
  std::vector<std::optional<pg::Result>> holders;
  auto statements = BatchStatements(batch, holders);
  auto db = pool_.Acquire();
  db->ExecPipelined(statements);
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    std::string original;
    if (batch.events[i].dedup) {
      if (!holders[i] || holders[i]->rows() == 0) {
        throw StoreError("postgres: batch: no holder for a dedup key just claimed");
      }
      original = holders[i]->row(0).Text(0);
      if (original == batch.events[i].event->id) original.clear();
    }
    result.duplicate_of.push_back(std::move(original));
  }
  return result;
}

// ApplyBatch commits with synchronous_commit on: its batches are durable already.
void PgStore::SyncBatches() {}

std::vector<DeliveryTask> PgStore::ClaimDueTasks(TimeMs now, const std::string& owner,
                                                 TimeMs lease_until, int limit) {
  // SKIP LOCKED: nodes claiming at the same moment take different tasks instead of waiting.
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("UPDATE delivery_tasks SET lease_owner = $1, lease_until = $2 WHERE id IN "
                         "(SELECT id FROM delivery_tasks WHERE next_attempt_at <= $3 AND "
                         "(lease_owner = '' OR lease_until <= $3) ORDER BY next_attempt_at "
                         "LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING ") +
                 rows::kTaskColumns,
             Params(owner, lease_until, now, limit))
      .ReadAll(rows::ReadTask<pg::Row>);
}

void PgStore::ReleaseLeases(const std::string& owner) {
  auto db = pool_.Acquire();
  pg::Transaction transaction(*db);
  db->Exec("UPDATE delivery_tasks SET lease_owner = '', lease_until = 0 WHERE lease_owner = $1",
           Params(owner));
  db->Exec("UPDATE replay_jobs SET lease_owner = '', lease_until = 0 WHERE lease_owner = $1",
           Params(owner));
  transaction.Commit();
}

WorkCounts PgStore::CountWork() {
  auto db = pool_.Acquire();
  WorkCounts counts;
  auto tasks =
      db->Exec("SELECT COUNT(*), COUNT(*) FILTER (WHERE attempts > 0) FROM delivery_tasks");
  counts.pending_deliveries = tasks.row(0).Int64(0);
  counts.pending_retries = tasks.row(0).Int64(1);
  auto jobs = db->Exec("SELECT status, COUNT(*) FROM replay_jobs GROUP BY status");
  for (int i = 0; i < jobs.rows(); ++i)
    counts.AddReplayJobs(jobs.row(i).Text(0), jobs.row(i).Int64(1));
  return counts;
}

std::vector<DeliveryAttempt> PgStore::ListAttemptsOfEvent(const std::string& org_id,
                                                          const std::string& event_id) {
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("SELECT ") + rows::kAttemptColumns +
                 " FROM delivery_attempts WHERE event_id = $1 AND org_id = $2 ORDER BY seq",
             Params(event_id, org_id))
      .ReadAll(rows::ReadAttempt<pg::Row>);
}

}  // namespace rehook
