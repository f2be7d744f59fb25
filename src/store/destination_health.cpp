#include "store/destination_health.h"

#include <algorithm>
#include <map>

namespace rehook {
namespace {

struct Seen {
  std::optional<TimeMs> last_success;
  std::vector<TimeMs> failures;
};

void See(std::map<std::string, Seen>& seen, const DeliveryAttempt& attempt) {
  if (attempt.skipped || attempt.destination_id.empty()) return;
  Seen& destination = seen[attempt.destination_id];
  if (attempt.success) {
    destination.last_success =
        std::max(destination.last_success.value_or(attempt.created_at), attempt.created_at);
  } else {
    destination.failures.push_back(attempt.created_at);
  }
}

}  // namespace

std::vector<HealthChange> HealthChanges(const WriteBatch& batch) {
  // Attempts made concurrently reach the batch in any order: they are ordered by their time.
  std::map<std::string, Seen> seen;
  for (const TaskUpdate& update : batch.task_updates) {
    if (update.attempt) See(seen, *update.attempt);
  }
  for (const ReplayProgress& progress : batch.replay_progress) {
    if (progress.attempt) See(seen, *progress.attempt);
  }
  for (const DeliveryAttempt& attempt : batch.attempts) See(seen, attempt);

  std::vector<HealthChange> changes;
  for (const auto& [destination_id, destination] : seen) {
    HealthChange change{destination_id, destination.last_success.has_value(), std::nullopt};
    for (TimeMs failure : destination.failures) {
      if (destination.last_success && failure < *destination.last_success) continue;
      change.failing_since = std::min(change.failing_since.value_or(failure), failure);
    }
    changes.push_back(std::move(change));
  }
  return changes;
}

}  // namespace rehook
