#include "search/event_search.h"

#include <algorithm>
#include <string_view>

namespace rehook {
namespace {

// Until the body size is known, a modest first chunk: a source of 10 MB bodies would make even
// 100 events a gigabyte.
constexpr std::size_t kFirstChunkEvents = 50;
constexpr std::size_t kMaxChunkEvents = 1000;

std::size_t NextChunk(const SearchBudget& budget, std::size_t looked, std::size_t bytes) {
  std::size_t events = kFirstChunkEvents;
  if (looked > 0) {
    const std::size_t average = std::max<std::size_t>(1, bytes / looked);
    events = std::clamp<std::size_t>(budget.chunk_body_bytes / average, 1, kMaxChunkEvents);
  }
  return std::min(events, budget.max_events - looked);
}

}  // namespace

bool MatchesSearch(const EventSearch& search, const Event& event) {
  if (!search.body_contains.empty() &&
      std::string_view(event.body).find(search.body_contains) == std::string_view::npos) {
    return false;
  }
  if (!search.filter) return true;
  boost::json::value input = FilterInput(event);
  return search.filter->Matches(input);
}

Page<Event> SearchEvents(EventLog& events, const EventSearch& search, const SearchBudget& budget) {
  const auto wanted = static_cast<std::size_t>(search.listing.page.limit);
  Page<Event> result;
  EventQuery scan = search.listing;
  scan.with_bodies = true;
  std::size_t looked = 0;
  std::size_t bytes = 0;
  while (looked < budget.max_events && bytes < budget.max_body_bytes) {
    scan.page.limit = static_cast<int>(NextChunk(budget, looked, bytes));
    Page<Event> chunk = events.ListEvents(scan);
    for (std::size_t i = 0; i < chunk.items.size(); ++i) {
      Event& event = chunk.items[i];
      ++looked;
      bytes += event.body.size();
      const Cursor position{event.received_at, event.id};
      const bool more_follow = i + 1 < chunk.items.size() || chunk.next.has_value();
      if (MatchesSearch(search, event)) {
        event.body.clear();  // listings show no bodies
        result.items.push_back(std::move(event));
      }
      const bool spent = looked >= budget.max_events || bytes >= budget.max_body_bytes;
      if (result.items.size() == wanted || spent) {
        if (more_follow) result.next = position;
        return result;
      }
    }
    if (!chunk.next) return result;  // the end of the listing
    scan.page.after = chunk.next;
  }
  return result;
}

}  // namespace rehook
