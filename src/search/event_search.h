#pragma once
// Finding events by what is in them (GET /v1/events?filter=...&q=...): the events of a listing
// (organization, source, time range), newest first, that pass a filter and whose body bytes
// contain a substring.
//
// Nothing is indexed for it at capture: an index over bodies would tax every capture for the
// occasional search. Instead each call looks at a bounded number of events and body bytes
// (SearchBudget), reading them from the store in chunks sized to the bodies seen so far. When
// the budget runs out before the page is full, the page comes back short (even empty) with a
// cursor that continues the scan exactly where it stopped; an empty result with no cursor means
// the listing is exhausted.

#include <cstddef>
#include <optional>
#include <string>

#include "filter/filter.h"
#include "store/queries.h"
#include "store/roles/event_log.h"

namespace rehook {

struct EventSearch {
  EventQuery listing;  // what a plain listing would show, and the page (limit, cursor)
  std::optional<Filter> filter;
  std::string body_contains;  // q: bytes the body must contain; "" for any body
};

struct SearchBudget {
  std::size_t max_events = 20'000;         // events looked at in one call
  std::size_t max_body_bytes = 64 << 20;   // body bytes read in one call
  std::size_t chunk_body_bytes = 4 << 20;  // body bytes read from the store at a time, about
};

// Whether `event` (body loaded) passes the search's filter and substring.
bool MatchesSearch(const EventSearch& search, const Event& event);

// The next page of matches, without bodies. Blocking: run it on the store's threads.
Page<Event> SearchEvents(EventLog& events, const EventSearch& search,
                         const SearchBudget& budget = {});

}  // namespace rehook
