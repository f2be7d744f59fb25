#pragma once
// The events a replay job covers: an organization's events received in [from, to], of one
// source when given, that pass the job's filter when it has one and, for a failed-only or
// undelivered-only job, whose attempts at the job's destination say so. Walked oldest first
// (received_at, then id), a page at a time, so no range is ever read into memory whole.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "filter/filter.h"
#include "store/queries.h"
#include "store/roles/event_log.h"

namespace rehook {

struct ReplayScope {
  std::string org_id;
  std::optional<std::string> source_id;
  TimeMs from = 0;
  TimeMs to = 0;
  std::optional<Filter> filter;
  std::string destination_id;  // whose attempts `only` judges by
  ReplayOnly only = ReplayOnly::all;
};

// How the events of one page stand at the scope's destination (events never attempted there
// are absent). Empty when the scope takes every event whatever its attempts.
using PageStandings = std::unordered_map<std::string, DeliveryStanding>;

// The scope of a stored job. Throws FilterError if its stored filter no longer compiles.
ReplayScope ScopeOfJob(const ReplayJob& job);

// One of the first matching events, shown by a dry run so users see what they would replay.
struct ScopeSample {
  std::string id;
  std::string method;
  std::string path;
  std::int64_t size = 0;
  TimeMs received_at = 0;
};

// What POST /v1/replay tells before a job starts.
struct ScopeCount {
  static constexpr std::size_t kMaxSamples = 3;

  int total = 0;  // matching events, at most `max_events`
  std::optional<TimeMs> first_received_at;
  std::optional<TimeMs> last_received_at;  // of the last event counted
  std::vector<ScopeSample> samples;        // the first kMaxSamples matching events, oldest first
};

// Counts the first `max_events` matching events. Blocking: run it on the store's threads.
ScopeCount CountReplayScope(EventLog& events, const ReplayScope& scope, int max_events);

// The next events of the scope after `after`, bodies loaded, filter not yet applied (the caller
// walks past non-matching events too, see ReplayWalk). About `page_bytes` of bodies at most,
// judged from the previous page's average body size (`average_body_bytes`, 0 when unknown).
// Blocking.
std::vector<Event> ReadReplayPage(EventLog& events, const ReplayScope& scope,
                                  const std::optional<Cursor>& after,
                                  std::size_t average_body_bytes, std::size_t page_bytes);

// The standings `only` needs for `page`: one indexed step per event, for an undelivered-only
// scope (a failed-only scope's pages hold only failed events already). Blocking.
PageStandings StandingsOfPage(EventLog& events, const ReplayScope& scope,
                              const std::vector<Event>& page);

// Whether `event` (body loaded) is in the scope: verified, passing the filter if any, and
// selected by `only` given the page's standings.
bool MatchesScope(const ReplayScope& scope, const Event& event, const PageStandings& standings);

}  // namespace rehook
