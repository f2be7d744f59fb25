#pragma once
// The SQL of the group-committed batch (EventLog::ApplyBatch) that both engines run, each its
// own way: SQLite statement by statement on its writer connection, PostgreSQL as one pipeline.
// With each statement, the order its values are bound in: `bind(values...)` is called with
// them, so that SQLite can bind them and PostgreSQL collect them as pipeline parameters.
//
// Events themselves are inserted by each engine's own statement: PostgreSQL stores request
// paths and queries as bytea (captured bytes need not be UTF-8), SQLite as text.

#include <optional>
#include <string>

#include "common/ids.h"
#include "domain/delivery.h"
#include "store/destination_health.h"
#include "store/row_readers.h"
#include "store/sql/sql_blob.h"
#include "store/traffic_rollup.h"
#include "store/write_batch.h"

namespace rehook::batch_sql {

inline const std::string kInsertTask = std::string("INSERT INTO delivery_tasks (") +
                                       rows::kTaskColumns +
                                       ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

template <class Bind>
auto WithTaskValues(const DeliveryTask& task, Bind&& bind) {
  return bind(task.id, task.org_id, task.event_id, task.destination_id, task.connection_id,
              task.attempts, task.next_attempt_at, task.lease_owner, task.lease_until,
              task.created_at);
}

inline const std::string kInsertAttempt =
    std::string("INSERT INTO delivery_attempts (") + rows::kAttemptColumns +
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
    "?19, ?20)";

template <class Bind>
auto WithAttemptValues(const DeliveryAttempt& attempt, Bind&& bind) {
  return bind(attempt.id, attempt.org_id, attempt.event_id, attempt.destination_id,
              attempt.connection_id, attempt.replay_job_id, attempt.attempt, attempt.status_code,
              attempt.response_time_ms, attempt.success, attempt.error, attempt.next_retry_at,
              attempt.created_at, rows::OutcomeColumn(attempt.outcome),
              sql::Blob{attempt.response_body}, std::string(AttemptTriggerName(attempt.trigger)),
              attempt.transformation_id, attempt.transformation_us, attempt.skipped,
              attempt.sent_request.empty() ? std::nullopt
                                           : std::optional<std::string>(attempt.sent_request));
}

// Every attempt also moves its event's standing at the destination (DeliveryStanding), in the
// same transaction; a skipped one (its transformation chose to send nothing) does not. The latest
// attempt is the one made last; one that arrives out of order (another node's, logged later) still
// counts toward ever_succeeded. The standing keeps its event's received_at (read from the id,
// which carries it) for the failed-only walk's index (EventLog::ListEventsForReplay).
inline const std::string kUpdateStanding =
    "INSERT INTO delivery_standings (event_id, destination_id, org_id, last_success, "
    "ever_succeeded, last_attempt_at, received_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6) "
    "ON CONFLICT (event_id, destination_id) DO UPDATE SET "
    "last_success = CASE WHEN excluded.last_attempt_at >= delivery_standings.last_attempt_at "
    "THEN excluded.last_success ELSE delivery_standings.last_success END, "
    "ever_succeeded = (delivery_standings.ever_succeeded OR excluded.last_success), "
    "last_attempt_at = CASE WHEN excluded.last_attempt_at >= delivery_standings.last_attempt_at "
    "THEN excluded.last_attempt_at ELSE delivery_standings.last_attempt_at END";

template <class Bind>
auto WithStandingValues(const DeliveryAttempt& attempt, Bind&& bind) {
  return bind(attempt.event_id, attempt.destination_id, attempt.org_id, attempt.success,
              attempt.created_at, IdTime(attempt.event_id, "evt").value_or(0));
}

// Tasks are keyed (connection_id, id) (SQLite schema 15, PostgreSQL 17).
// ?1 task, ?2 its connection, ?3 attempts made (0 or 1), ?4 when to try again.
inline constexpr const char* kRescheduleTask =
    "UPDATE delivery_tasks SET attempts = attempts + ?3, next_attempt_at = ?4, "
    "lease_owner = '', lease_until = 0 WHERE connection_id = ?2 AND id = ?1";
// ?1 task, ?2 its connection.
inline constexpr const char* kFinishTask =
    "DELETE FROM delivery_tasks WHERE connection_id = ?2 AND id = ?1";

// Counters and cursor always; a status change only while the job is live (a cancellation made
// through the API meanwhile stands).
inline constexpr const char* kUpdateReplayProgress =
    "UPDATE replay_jobs SET processed = ?2, succeeded = ?3, failed = ?4, fixed = ?11, "
    "regressed = ?12, cursor_time = COALESCE(?5, cursor_time), "
    "cursor_id = COALESCE(?6, cursor_id), "
    "status = CASE WHEN ?7 IS NOT NULL AND status IN ('running', 'paused') THEN ?7 "
    "ELSE status END, "
    "status_reason = CASE WHEN ?7 IS NOT NULL AND status IN ('running', 'paused') THEN ?8 "
    "ELSE status_reason END, "
    "completed_at = CASE WHEN ?7 IS NOT NULL AND status IN ('running', 'paused') THEN ?9 "
    "ELSE completed_at END, "
    "expires_at = CASE WHEN ?7 IS NOT NULL AND status IN ('running', 'paused') THEN ?10 "
    "ELSE expires_at END "
    "WHERE id = ?1";

template <class Bind>
auto WithReplayProgressValues(const ReplayProgress& progress, Bind&& bind) {
  std::optional<std::string> status;
  if (progress.status) status = std::string(ReplayStatusName(*progress.status));
  return bind(progress.job_id, progress.processed, progress.succeeded, progress.failed,
              progress.cursor ? std::optional(progress.cursor->time) : std::nullopt,
              progress.cursor ? std::optional(progress.cursor->id) : std::nullopt, status,
              progress.status_reason, progress.completed_at, progress.expires_at, progress.fixed,
              progress.regressed);
}

// A destination's health after the batch (store/destination_health.h). Each changes the row
// only when the destination starts or stops failing: a healthy destination's batches write
// nothing, nor do a failing one's after the first.
inline const std::string kDestinationRecovered =
    "UPDATE destinations SET failing_since = NULL WHERE id = ?1 AND failing_since IS NOT NULL";
inline const std::string kDestinationFailing =
    "UPDATE destinations SET failing_since = ?2 WHERE id = ?1 AND failing_since IS NULL";
// Succeeded, then failed again within the batch: the failing starts anew.
inline const std::string kDestinationFailingAgain =
    "UPDATE destinations SET failing_since = ?2 WHERE id = ?1";

// Calls `apply(statement, values...)` with the statement the change needs and its values.
template <class Apply>
auto WithHealthChange(const HealthChange& change, Apply&& apply) {
  if (!change.failing_since) return apply(kDestinationRecovered, change.destination_id);
  return apply(change.succeeded ? kDestinationFailingAgain : kDestinationFailing,
               change.destination_id, *change.failing_since);
}

// Adds a batch's sums to a traffic rollup row (store/traffic_rollup.h) of writer `shard`.
inline const std::string kAddTrafficColumns =
    "INSERT INTO traffic_rollups (org_id, bucket_ms, t, source_id, destination_id, "
    "latency_class, shard, captured, delivered, failed) ";
inline const std::string kAddTrafficOnConflict =
    " ON CONFLICT (org_id, bucket_ms, t, source_id, destination_id, latency_class, shard) DO "
    "UPDATE SET captured = traffic_rollups.captured + excluded.captured, "
    "delivered = traffic_rollups.delivered + excluded.delivered, "
    "failed = traffic_rollups.failed + excluded.failed";
inline const std::string kAddTraffic =
    kAddTrafficColumns + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)" + kAddTrafficOnConflict;
template <class Bind>
auto WithTrafficValues(const TrafficKey& key, const TrafficCounts& counts, int shard, Bind&& bind) {
  return bind(key.org_id, key.bucket_ms, key.t, key.source_id, key.destination_id,
              key.latency_class, shard, counts.captured, counts.delivered, counts.failed);
}

}  // namespace rehook::batch_sql
