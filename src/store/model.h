#pragma once
// The records rehook keeps. Plain data, shared by every Store implementation and the API layer.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/role.h"
#include "common/clock.h"
#include "common/cursor.h"

namespace rehook {

struct Organization {
  std::string id;
  std::string name;
  int retention_days = 30;
  TimeMs created_at = 0;
};

struct ApiKey {
  std::string id;
  std::string org_id;
  std::string name;
  Role role = Role::viewer;
  std::string key_hash;    // SHA-256 of the secret; the secret itself is never stored
  std::string key_prefix;  // first characters of the secret, to recognise a key in lists
  TimeMs created_at = 0;
};

// A dashboard session created by signing in with an API key; it acts with that key's rights and
// ends when the key is deleted or the session expires.
struct Session {
  std::string token_hash;
  std::string key_id;
  TimeMs created_at = 0;
  TimeMs expires_at = 0;
};

// Who is calling: the result of authenticating a key or a session.
struct Principal {
  std::string key_id;
  std::string org_id;
  Role role = Role::viewer;
};

struct Source {
  std::string id;
  std::string org_id;
  std::string name;
  // Source options as a JSON object (signature verification, dedup, ...); "{}" when none.
  std::string config_json = "{}";
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

struct HeaderField {
  std::string name;
  std::string value;
};

// One captured request, exactly as it arrived.
struct Event {
  std::string id;
  std::string org_id;
  std::string source_id;
  TimeMs received_at = 0;
  std::string method;
  std::string path;                  // sub-path after /in/{source_id}, starting with "/"
  std::string query;                 // raw query string without "?"
  std::vector<HeaderField> headers;  // in arrival order, duplicates kept
  std::string client_ip;
  std::int64_t size = 0;  // body bytes
  bool verified = true;
  std::string body;  // empty unless loaded (see Store::GetEvent)
};

// Where captured events are delivered.
struct Destination {
  std::string id;
  std::string org_id;
  std::string name;
  std::string url;
  int timeout_ms = 10000;
  std::vector<HeaderField> headers;  // added to every delivery
  std::string secret;                // Standard Webhooks signing secret ("whsec_..."); "" for none
  std::optional<int> rate_limit;     // deliveries per second at most; nullopt: no limit
  // A disabled destination is forwarded nothing: events captured meanwhile are kept and can be
  // replayed to it (by connection) once it is back. Replay jobs may still target it.
  bool enabled = true;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// Routes a source's events to a destination, optionally only those matching a filter.
struct Connection {
  std::string id;
  std::string org_id;
  std::string source_id;
  std::string destination_id;
  std::string filter_json;  // the filter spec as JSON; "" for none (everything passes)
  bool enabled = true;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

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

enum class ReplayStatus { running, paused, completed, cancelled };
constexpr std::array<ReplayStatus, 4> kReplayStatuses = {
    ReplayStatus::running, ReplayStatus::paused, ReplayStatus::completed, ReplayStatus::cancelled};
std::string_view ReplayStatusName(ReplayStatus status);
std::optional<ReplayStatus> ParseReplayStatus(std::string_view name);

// A background job re-delivering a time range of captured events to a destination, oldest
// first, at most `rate_limit` per second, each once and without retries.
// Which delivery id (webhook-id) a replay job's deliveries carry. See docs/API-NOTES.md.
enum class ReplayIdMode {
  fresh,     // "new": an id of its own per job and event, so deduplicating consumers take it
  original,  // "original": the event's id, as the first delivery had, so they drop it
};
std::string_view ReplayIdModeName(ReplayIdMode mode);
std::optional<ReplayIdMode> ParseReplayIdMode(std::string_view name);

struct ReplayJob {
  std::string id;  // "job_..."
  std::string org_id;
  std::string destination_id;
  std::optional<std::string> source_id;
  std::optional<std::string> connection_id;
  std::string filter_json;  // "" for none; already combined with the connection's filter
  TimeMs from = 0;          // inclusive bounds on received_at
  TimeMs to = 0;
  int rate_limit = 10;
  int max_events = 1000;
  ReplayIdMode id_mode = ReplayIdMode::fresh;
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

// The events a replay job walks: an org's events in [from, to], optionally of one source.
struct ReplayRange {
  std::string org_id;
  std::optional<std::string> source_id;
  TimeMs from = 0;
  TimeMs to = 0;
  std::optional<Cursor> after;  // continue after this (received_at, id)
  int limit = 100;
  bool with_bodies = false;
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

// What a node saw of a destination's deliveries since it last reported them, to be folded into
// the circuit all nodes share (PostgreSQL): the failures after its last success, and whether a
// success happened at all (which ends the shared run of failures).
struct CircuitReport {
  std::string destination_id;
  int trailing_failures = 0;
  bool saw_success = false;
};

// A destination's shared circuit: open while retry_at > now, half-open once it has passed,
// closed when retry_at is 0.
struct CircuitRecord {
  std::string destination_id;
  int consecutive_failures = 0;
  TimeMs opened_at = 0;
  TimeMs retry_at = 0;
};

struct PageRequest {
  int limit = 50;
  std::optional<Cursor> after;  // continue after this item
};

// Work the store holds right now, across all organizations and nodes (for /metrics).
struct WorkCounts {
  std::int64_t pending_deliveries = 0;  // delivery tasks not yet done (first attempts and retries)
  std::int64_t pending_retries = 0;     // ... of which failed at least once
  std::array<std::int64_t, kReplayStatuses.size()> replay_jobs{};  // indexed by ReplayStatus

  void AddReplayJobs(std::string_view status, std::int64_t count) {
    if (auto known = ParseReplayStatus(status))
      replay_jobs[static_cast<std::size_t>(*known)] += count;
  }
};

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<Cursor> next;  // set when more items may follow
};

// Filters of GET /v1/events; times are inclusive bounds on received_at.
struct EventQuery {
  std::string org_id;
  std::optional<std::string> source_id;
  std::optional<TimeMs> from;
  std::optional<TimeMs> to;
  PageRequest page;
};

}  // namespace rehook
