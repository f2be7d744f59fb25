#pragma once
// The high-rate writes, which go through group commit (BatchWriter) instead of one transaction
// and one fsync each: captured events (with the deliveries they route to) and the outcomes of
// delivery attempts.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/delivery.h"
#include "domain/event.h"
#include "domain/replay.h"

namespace rehook {

// A captured event and the delivery tasks routed from it, stored together so that an event is
// never durable without its deliveries (or the reverse).
// Shared, so that once durable the same event (body included) goes on to the forwarder.
struct NewEvent {
  std::shared_ptr<const Event> event;
  std::vector<DeliveryTask> tasks;
  // Set when the source deduplicates and the request carries a key: the event (and its tasks)
  // is stored only when no event of the source holds the same key since `window_start`;
  // otherwise nothing is written and the batch reports the earlier event's id.
  struct DedupClaim {
    std::string key_hash;  // hex SHA-256 of the key (keys are arbitrary client text)
    TimeMs window_start = 0;
  };
  std::optional<DedupClaim> dedup;
};

// What became of a delivery task after a turn of the forwarder.
struct TaskUpdate {
  std::string task_id;
  std::string connection_id;               // the task's (tasks are keyed by both)
  std::optional<DeliveryAttempt> attempt;  // the attempt just made; none when only postponed
  // Try again at this time (the lease is released); nullopt: the task is finished (delivered
  // or given up) and is removed.
  std::optional<TimeMs> retry_at;

  // The update of `task`, found by its key (id and connection).
  static TaskUpdate Of(const DeliveryTask& task, std::optional<DeliveryAttempt> attempt,
                       std::optional<TimeMs> retry_at) {
    return TaskUpdate{task.id, task.connection_id, std::move(attempt), retry_at};
  }
};

// A replay job's progress after one delivery (or a change of status), stored with the
// attempt it counts so that the counters always agree with the attempt log.
struct ReplayProgress {
  std::string job_id;
  std::optional<DeliveryAttempt> attempt;
  int processed = 0;
  int succeeded = 0;
  int failed = 0;
  int fixed = 0;
  int regressed = 0;
  std::optional<Cursor> cursor;
  // A new status (paused, running, completed); never overrides a cancellation.
  std::optional<ReplayStatus> status;
  std::string status_reason;
  std::optional<TimeMs> completed_at;
  std::optional<TimeMs> expires_at;
};

struct WriteBatch {
  std::vector<NewEvent> events;
  std::vector<TaskUpdate> task_updates;
  std::vector<ReplayProgress> replay_progress;
  // Attempts made outside a task or a job: resends a user asked for.
  std::vector<DeliveryAttempt> attempts;

  bool empty() const {
    return events.empty() && task_updates.empty() && replay_progress.empty() && attempts.empty();
  }
};

// What applying a batch did with its events.
struct BatchResult {
  // One entry per batch event, in order: "" when it was stored, or the id of the earlier event
  // of the same source holding its dedup key (the new event was not stored). Empty when the
  // batch has no events.
  std::vector<std::string> duplicate_of;
};

}  // namespace rehook
