#pragma once
// The shapes of the store's questions and answers that are not records of their own: pages,
// the filters of an event listing, the range a replay job walks and the work counts /metrics
// shows. The records themselves live in domain/.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/cursor.h"
#include "domain/event.h"
#include "domain/replay.h"

namespace rehook {

struct PageRequest {
  int limit = 50;
  std::optional<Cursor> after;  // continue after this item
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
  bool with_bodies = false;  // listings show none; a search reads them
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
  // Only events whose latest attempt at this destination failed (ReplayOnly::failed), found
  // from that side: the failures of the range are read, not every event of it.
  std::optional<std::string> failed_at;
};

// Where an event stands in commit order, the order live streams send events in. Positions grow
// with commits, and an event that becomes visible later never gets a position below one that
// was visible before, so "everything after P" misses nothing and repeats nothing. `commit` is
// SQLite's row number or PostgreSQL's inserting transaction; `id` orders one commit's events.
struct CommitPosition {
  std::int64_t commit = 0;
  std::string id;
  auto operator<=>(const CommitPosition&) const = default;
};
// An id above every event id (ids are letters, digits and '_'): the position after all of a
// commit's events.
inline constexpr std::string_view kAfterEveryId = "~";

// Settled events after a position, in commit order: what a stream catches up on, and what the
// node's live feed reads.
struct CommittedQuery {
  std::optional<std::string> org_id;  // nullopt: every organization's
  std::optional<std::string> source_id;
  CommitPosition after;
  int limit = 200;
  bool with_bodies = true;
};

struct CommittedEvent {
  CommitPosition position;
  Event event;
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

}  // namespace rehook
