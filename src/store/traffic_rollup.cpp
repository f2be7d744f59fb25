#include "store/traffic_rollup.h"

namespace rehook {
namespace {

template <class Add>
void AtEveryBucketSize(TrafficRollup& rollup, const std::string& org_id, TimeMs time,
                       const std::string& source_id, const std::string& destination_id,
                       int latency_class, Add&& add) {
  for (TimeMs size : kTrafficBucketSizes) {
    add(rollup[TrafficKey{org_id, size, TrafficBucketStart(time, size), source_id, destination_id,
                          latency_class}]);
  }
}

}  // namespace

void AddCapture(TrafficRollup& rollup, const NewEvent& item) {
  const Event& event = *item.event;
  auto count = [](TrafficCounts& counts) { ++counts.captured; };
  AtEveryBucketSize(rollup, event.org_id, event.received_at, event.source_id, "", kNoLatencyClass,
                    count);
  for (const DeliveryTask& task : item.tasks) {
    AtEveryBucketSize(rollup, event.org_id, event.received_at, event.source_id, task.destination_id,
                      kNoLatencyClass, count);
  }
}

void AddAttempt(TrafficRollup& rollup, const DeliveryAttempt& attempt) {
  if (attempt.skipped) return;
  AtEveryBucketSize(
      rollup, attempt.org_id, attempt.created_at, attempt.source_id, attempt.destination_id,
      LatencyClassOf(attempt.response_time_ms),
      [&](TrafficCounts& counts) { ++(attempt.success ? counts.delivered : counts.failed); });
}

void AddAttempts(TrafficRollup& rollup, const WriteBatch& batch) {
  for (const TaskUpdate& update : batch.task_updates) {
    if (update.attempt) AddAttempt(rollup, *update.attempt);
  }
  for (const ReplayProgress& progress : batch.replay_progress) {
    if (progress.attempt) AddAttempt(rollup, *progress.attempt);
  }
  for (const DeliveryAttempt& attempt : batch.attempts) AddAttempt(rollup, attempt);
}

}  // namespace rehook
