#pragma once
// Where a replay job may safely resume after a crash.
//
// A job walks events in order but has several deliveries in flight, which finish in any order.
// The persisted cursor must only pass an event once that event is done (delivered, failed or
// skipped): this tracks the walked events in order and yields the last position before which
// everything is done (a low-water mark). Events done beyond it are found again on resume through
// their logged attempts (ReplayHistory::ListReplayedEventIds), so none is sent twice; only
// deliveries in flight at the crash may be.

#include <cstdint>
#include <deque>
#include <optional>

#include "common/cursor.h"

namespace rehook {

class ReplayWalk {
 public:
  explicit ReplayWalk(std::optional<Cursor> resume_after = std::nullopt)
      : resume_after_(std::move(resume_after)) {}

  // Registers the next event walked past, in walk order; returns its ticket for Done().
  std::uint64_t Walk(Cursor position);
  void Done(std::uint64_t ticket);

  // Every walked event up to and including this position is done.
  const std::optional<Cursor>& resume_after() const { return resume_after_; }
  // Walked events not done yet.
  std::size_t pending() const { return pending_; }

 private:
  struct Step {
    Cursor position;
    bool done = false;
  };
  std::deque<Step> steps_;  // from the oldest event not yet passed by resume_after_
  std::uint64_t first_ticket_ = 0;
  std::size_t pending_ = 0;
  std::optional<Cursor> resume_after_;
};

}  // namespace rehook
