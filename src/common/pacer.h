#pragma once
// Spaces out starts so that no one-second window ever holds more than `per_second` of them.
//
// Starts are at least 1000 / per_second ms apart (plus a small margin), measured from when the
// previous start really happened rather than when it was planned: a timer that fires late then
// never lets the next start catch up, so "at most N in any window" holds for the starts as they
// happen, wherever the window is placed. The margin absorbs the jitter between leaving rehook and
// arriving at the destination, where users measure.
//
// Not thread-safe: one pacer serves one sequence of starts (a replay job's loop).

#include <chrono>

namespace rehook {

class Pacer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Fraction added to the minimum spacing.
  static constexpr double kMargin = 0.02;

  explicit Pacer(double per_second);

  // The earliest time the next start may happen (now or in the past when it may start at once).
  TimePoint NextStart() const { return next_start_; }
  // Records a start that happened at `when` (at or after NextStart()).
  void Started(TimePoint when) { next_start_ = when + spacing_; }

  std::chrono::nanoseconds spacing() const { return spacing_; }

 private:
  std::chrono::nanoseconds spacing_;
  TimePoint next_start_{};
};

}  // namespace rehook
