#pragma once
// Replays: background jobs over a time range, and single requests re-sent to a URL.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/cursor.h"
#include "domain/delivery.h"

namespace rehook {

enum class ReplayStatus { running, paused, completed, cancelled };
constexpr std::array<ReplayStatus, 4> kReplayStatuses = {
    ReplayStatus::running, ReplayStatus::paused, ReplayStatus::completed, ReplayStatus::cancelled};
std::string_view ReplayStatusName(ReplayStatus status);
std::optional<ReplayStatus> ParseReplayStatus(std::string_view name);

// Which delivery id (webhook-id) a replay job's deliveries carry. See docs/API-NOTES.md.
enum class ReplayIdMode {
  fresh,     // "new": an id of its own per job and event, so deduplicating consumers take it
  original,  // "original": the event's id, as the first delivery had, so they drop it
};
std::string_view ReplayIdModeName(ReplayIdMode mode);
std::optional<ReplayIdMode> ParseReplayIdMode(std::string_view name);

// Which events of its range a replay job sends, judged by their attempts at the job's
// destination (DeliveryStanding): every one, those whose latest attempt failed, or those no
// attempt got through for (never attempted included): "re-send what the outage broke".
enum class ReplayOnly { all, failed, undelivered };
std::string_view ReplayOnlyName(ReplayOnly only);
std::optional<ReplayOnly> ParseReplayOnly(std::string_view name);
// `standing`: the event's attempts at the destination; nullopt when it has none.
bool ReplayOnlySelects(ReplayOnly only, const std::optional<DeliveryStanding>& standing);

// A background job re-delivering a time range of captured events to a destination, oldest
// first, at most `rate_limit` per second, each once and without retries.
struct ReplayJob {
  std::string id;  // "job_..."
  std::string org_id;
  std::string destination_id;
  std::optional<std::string> source_id;
  std::optional<std::string> connection_id;
  // Run on each event before it is sent; when none is named, a job through a connection runs
  // the connection's transformation of the moment.
  std::optional<std::string> transformation_id;
  std::string filter_json;  // "" for none; already combined with the connection's filter
  TimeMs from = 0;          // inclusive bounds on received_at
  TimeMs to = 0;
  int rate_limit = 10;
  int max_events = 1000;
  ReplayIdMode id_mode = ReplayIdMode::fresh;
  ReplayOnly only = ReplayOnly::all;
  ReplayStatus status = ReplayStatus::running;
  std::string status_reason;  // why paused, e.g. "the destination's circuit is open"
  int total = 0;
  int processed = 0;
  int succeeded = 0;
  int failed = 0;
  int fixed = 0;      // deliveries that succeeded where the last earlier attempt had failed
  int regressed = 0;  // ... and the reverse
  // The last event the job has walked past (received_at, id): it resumes after it.
  std::optional<Cursor> cursor;
  TimeMs created_at = 0;
  TimeMs started_at = 0;
  std::optional<TimeMs> completed_at;
  std::optional<TimeMs> expires_at;  // completed_at + 24 h; the job reads as missing after it
  std::string lease_owner;           // the node running it; "" when free
  TimeMs lease_until = 0;
};

// A single captured request re-sent to a URL (POST /v1/endpoints/{id}/requests/{rid}/replay).
struct SingleReplay {
  std::string id;  // "rpl_..."
  std::string org_id;
  std::string source_id;
  std::string event_id;
  std::string target_url;
  std::optional<int> status_code;
  std::optional<std::int64_t> response_time_ms;
  bool success = false;
  std::string error;
  TimeMs created_at = 0;
  std::optional<ReplayOutcome> outcome;  // nullopt when recorded by an older rehook
  std::string response_body;             // as DeliveryAttempt::response_body
};

}  // namespace rehook
