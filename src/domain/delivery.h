#pragma once
// Deliveries: the work still to do (tasks) and what was tried (attempts), with how a replayed
// attempt compares with the earlier one.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace rehook {

// A delivery still to be made: one per captured event and matching connection, created in the
// same transaction as the event, removed once delivered or given up. While a node works on a
// task it holds a lease on it, so that no other node (or the poller) takes it as well.
struct DeliveryTask {
  std::string id;  // "tsk_..." (internal)
  std::string org_id;
  std::string event_id;
  std::string destination_id;
  std::string connection_id;
  int attempts = 0;  // attempts made so far
  TimeMs next_attempt_at = 0;
  std::string lease_owner;  // node id; "" when free
  TimeMs lease_until = 0;
  TimeMs created_at = 0;
};

// How a replay went compared with the last earlier attempt of the same event to the same
// destination (replay jobs) or URL (single replays): the question an engineer asks after a fix.
enum class ReplayOutcome {
  first,      // nothing was sent there before
  same,       // succeeded again, or failed again
  fixed,      // failed before, succeeded now
  regressed,  // succeeded before, failed now
};
std::string_view ReplayOutcomeName(ReplayOutcome outcome);
std::optional<ReplayOutcome> ParseReplayOutcome(std::string_view name);
// `earlier`: whether the last earlier attempt succeeded; nullopt when there was none.
ReplayOutcome CompareWithEarlier(std::optional<bool> earlier, bool success);

// One attempt to deliver an event, as listed by GET /v1/events/{id}/deliveries.
struct DeliveryAttempt {
  std::string id;  // "del_..."
  std::string org_id;
  std::string event_id;
  std::string destination_id;
  std::optional<std::string> connection_id;  // forwarding
  std::optional<std::string> replay_job_id;  // replay jobs
  int attempt = 1;
  std::optional<int> status_code;                // null when no response arrived
  std::optional<std::int64_t> response_time_ms;  // null when no response arrived
  bool success = false;
  std::string error;                    // "" when a response arrived
  std::optional<TimeMs> next_retry_at;  // when a retry is scheduled after this attempt
  TimeMs created_at = 0;
  std::optional<ReplayOutcome> outcome;  // replay jobs only
  // The first bytes of the response body (OutboundClientOptions::kept_body_bytes, 1 KiB): what
  // the consumer said, e.g. why it answered 500. "" when there was none.
  std::string response_body;
};

}  // namespace rehook
