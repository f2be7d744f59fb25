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

// What made an attempt: the first forwarding of a captured event, an automatic retry of it, a
// replay job, or a user's resend (POST /v1/events/{id}/retry).
enum class AttemptTrigger { forward, retry, replay, manual };
std::string_view AttemptTriggerName(AttemptTrigger trigger);
std::optional<AttemptTrigger> ParseAttemptTrigger(std::string_view name);

// How an event's attempts at one destination stand, whatever made them: kept up to date with
// every attempt, so that "did the last one fail?" and "did any get through?" cost one indexed
// step per event however many attempts there were (failed-only and undelivered-only replays).
struct DeliveryStanding {
  bool last_succeeded = false;  // the latest attempt
  bool ever_succeeded = false;  // any attempt
};

// One attempt to deliver an event, as listed by GET /v1/events/{id}/deliveries.
struct DeliveryAttempt {
  std::string id;  // "del_..."
  std::string org_id;
  std::string event_id;
  // The event's source, for the traffic rollups (domain/traffic.h) the attempt is counted in;
  // not kept on the attempt's own row, so "" when read back.
  std::string source_id;
  std::string destination_id;
  std::optional<std::string> connection_id;  // forwarding
  std::optional<std::string> replay_job_id;  // replay jobs
  AttemptTrigger trigger = AttemptTrigger::forward;
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
  // A transformation ran before this attempt: which, for how long, whether it skipped the
  // delivery (nothing was sent; neither a failure nor a success), and what was sent after it
  // (JSON: method, url, headers, the body's first bytes; "" when nothing was sent).
  std::optional<std::string> transformation_id;
  std::optional<std::int64_t> transformation_us;
  bool skipped = false;
  std::string sent_request;
};

}  // namespace rehook
