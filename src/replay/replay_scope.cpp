#include "replay/replay_scope.h"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace rehook {

namespace {

constexpr int kMaxPageEvents = 100;
constexpr int kFirstPageEvents = 4;
// Counting without a filter reads ids and times only, so pages can be larger.
constexpr int kCountPageEvents = 1000;

// A failed-only scope reads its events from the destination's failed standings, so every
// event of its pages is already selected by `only`; an undelivered-only scope must also find
// events never attempted, so it walks the range and judges each event by its standing.
ReplayRange RangeOf(const ReplayScope& scope, const std::optional<Cursor>& after, int limit,
                    bool with_bodies) {
  std::optional<std::string> failed_at;
  if (scope.only == ReplayOnly::failed) failed_at = scope.destination_id;
  return ReplayRange{scope.org_id, scope.source_id, scope.from,  scope.to,
                     after,        limit,           with_bodies, std::move(failed_at)};
}

bool JudgedByStanding(const ReplayScope& scope) { return scope.only == ReplayOnly::undelivered; }

}  // namespace

ReplayScope ScopeOfJob(const ReplayJob& job) {
  ReplayScope scope{job.org_id,   job.source_id,      job.from, job.to,
                    std::nullopt, job.destination_id, job.only};
  if (!job.filter_json.empty()) scope.filter = Filter::Parse(boost::json::parse(job.filter_json));
  return scope;
}

PageStandings StandingsOfPage(EventLog& events, const ReplayScope& scope,
                              const std::vector<Event>& page) {
  if (!JudgedByStanding(scope) || page.empty()) return {};
  std::vector<std::string> ids;
  ids.reserve(page.size());
  for (const Event& event : page) ids.push_back(event.id);
  return events.StandingsAtDestination(scope.org_id, scope.destination_id, ids);
}

bool MatchesScope(const ReplayScope& scope, const Event& event, const PageStandings& standings) {
  // Requests that failed their source's signature check are kept for inspection, never
  // re-delivered in bulk (a single replay of one stays possible).
  if (!event.verified) return false;
  if (JudgedByStanding(scope)) {
    auto found = standings.find(event.id);
    if (!ReplayOnlySelects(scope.only, found == standings.end()
                                           ? std::nullopt
                                           : std::optional<DeliveryStanding>(found->second))) {
      return false;
    }
  }
  if (!scope.filter) return true;
  boost::json::value input = FilterInput(event);
  return scope.filter->Matches(input);
}

ScopeCount CountReplayScope(EventLog& events, const ReplayScope& scope, int max_events) {
  ScopeCount count;
  std::optional<Cursor> after;
  std::size_t average_body_bytes = 0;
  while (count.total < max_events) {
    std::vector<Event> page;
    if (scope.filter) {
      page = ReadReplayPage(events, scope, after, average_body_bytes, 4 << 20);
    } else {
      // Full pages when events are judged by their standing: most may not count, and pages
      // shrinking with what is left to count would make the tail of a long range many reads.
      int limit = JudgedByStanding(scope) ? kCountPageEvents
                                          : std::min(kCountPageEvents, max_events - count.total);
      page = events.ListEventsForReplay(RangeOf(scope, after, limit, false));
    }
    if (page.empty()) break;
    const PageStandings standings = StandingsOfPage(events, scope, page);
    std::size_t body_bytes = 0;
    for (const Event& event : page) {
      body_bytes += event.body.size();
      if (count.total == max_events || !MatchesScope(scope, event, standings)) continue;
      ++count.total;
      if (!count.first_received_at) count.first_received_at = event.received_at;
      if (count.samples.size() < ScopeCount::kMaxSamples) {
        count.samples.push_back(
            {event.id, event.method, event.path, event.size, event.received_at});
      }
      count.last_received_at = event.received_at;
    }
    average_body_bytes = body_bytes / page.size();
    after = Cursor{page.back().received_at, page.back().id};
  }
  return count;
}

std::vector<Event> ReadReplayPage(EventLog& events, const ReplayScope& scope,
                                  const std::optional<Cursor>& after,
                                  std::size_t average_body_bytes, std::size_t page_bytes) {
  // Until the body size is known, a small first page: 100 bodies of 10 MB would be 1 GB.
  std::size_t limit = kFirstPageEvents;
  if (average_body_bytes > 0) {
    limit = std::clamp<std::size_t>(page_bytes / average_body_bytes, 1, kMaxPageEvents);
  }
  return events.ListEventsForReplay(RangeOf(scope, after, static_cast<int>(limit), true));
}

}  // namespace rehook
