#pragma once
// Spaces out starts so that no one-second window ever holds more than `per_second` of them,
// while achieving the full rate when the caller is ready in time.
//
// Two rules together:
//  - Starts are planned on an even grid 1000 / per_second ms apart. A start that happens late
//    (a timer fired late, the previous delivery took a while) does not shift the grid, so the
//    next one comes sooner and the rate is kept; lateness of more than one slot is forgiven
//    rather than made up in a burst.
//  - The last `per_second` actual starts are remembered, and a new start must be at least one
//    second (plus a small guard for jitter between here and the destination) after the oldest
//    of them. That bounds every window, wherever it is placed, however the grid caught up.
//
// Not thread-safe: one pacer serves one sequence of starts (a replay job's loop).

#include <chrono>
#include <deque>

namespace rehook {

class Pacer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Added to the one-second window: absorbs the jitter between leaving rehook and arriving at
  // the destination, where users measure.
  static constexpr std::chrono::milliseconds kWindowGuard{20};

  explicit Pacer(double per_second);

  // The earliest time the next start may happen (in the past when it may start at once).
  TimePoint NextStart() const;
  // Records a start that happened at `when` (at or after NextStart()).
  void Started(TimePoint when);

  // The grid's spacing, 1000 / per_second ms.
  std::chrono::nanoseconds spacing() const { return spacing_; }

 private:
  std::chrono::nanoseconds spacing_;
  std::size_t per_window_;
  TimePoint planned_{};           // the grid slot of the next start
  std::deque<TimePoint> recent_;  // the last per_window_ actual starts, oldest first
};

}  // namespace rehook
