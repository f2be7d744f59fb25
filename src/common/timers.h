#pragma once
// How rehook's scheduling code waits: pacing gaps, poll and lease-renewal intervals, a replay
// job's naps. A Timer waits until a deadline on its TimerSource's monotonic clock, or until it
// is cancelled. In production the source is SteadyTimers and a Timer is an asio steady_timer,
// nothing more; tests use ManualTimers, whose time is a ManualClock that moves only when the
// test advances it, so backoff, cool-downs and pacing are tested without sleeping.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "common/clock.h"

namespace rehook {

// Where timers take their time from.
class TimerSource {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  virtual ~TimerSource() = default;
  // Monotonic time, in which deadlines are given. Thread-safe.
  virtual TimePoint Now() const = 0;

 private:
  friend class Timer;
  // Sets up `timer` so that the wait about to begin on it ends at `deadline`.
  virtual void Arm(boost::asio::steady_timer& timer, TimePoint deadline) = 0;
  // The wait on `timer` is over, or the timer is going away. On the timer's executor.
  virtual void Disarm(boost::asio::steady_timer& timer) = 0;
};

// One wait at a time, made on the executor the timer was made for; not thread-safe (like the
// steady_timer it wraps).
class Timer {
 public:
  Timer(const boost::asio::any_io_executor& executor, TimerSource& source)
      : source_(source), timer_(executor) {}
  ~Timer() { source_.Disarm(timer_); }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // Waits until `deadline` (TimePoint::max(): until cancelled), or until Cancel() ends the
  // wait early. Either way it just returns.
  boost::asio::awaitable<void> WaitUntil(TimerSource::TimePoint deadline);
  boost::asio::awaitable<void> WaitFor(std::chrono::steady_clock::duration delay) {
    return WaitUntil(source_.Now() + delay);
  }
  // Ends the wait under way, if there is one; a wait begun later is not affected.
  void Cancel() { timer_.cancel(); }

  TimerSource::TimePoint Now() const { return source_.Now(); }

 private:
  TimerSource& source_;
  boost::asio::steady_timer timer_;
};

// The real thing: std::chrono::steady_clock.
class SteadyTimers final : public TimerSource {
 public:
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }

 private:
  void Arm(boost::asio::steady_timer& timer, TimePoint deadline) override {
    timer.expires_at(deadline);
  }
  void Disarm(boost::asio::steady_timer&) override {}
};

// Timers on a ManualClock, for tests: its milliseconds are the monotonic time, and a wait ends
// once Advance() has moved the clock to or past its deadline (or when it is cancelled).
// Outlive the io_contexts whose timers use it: ending a wait posts to the timer's executor.
class ManualTimers final : public TimerSource {
 public:
  explicit ManualTimers(ManualClock& clock) : clock_(clock) {}

  TimePoint Now() const override { return TimePoint(std::chrono::milliseconds(clock_.Now())); }
  // Moves the clock forward by `delta` and ends every wait whose deadline has come (each on
  // its timer's executor, right after). Thread-safe.
  void Advance(TimeMs delta);
  // The earliest deadline still waited for, in clock milliseconds (rounded up), or nullopt when
  // no wait is under way; waits for TimePoint::max() do not count. Thread-safe.
  std::optional<TimeMs> NextDeadline() const;

 private:
  struct Wait {
    TimePoint deadline;
    std::uint64_t number;  // tells this wait from a later one on the same timer
    bool ending = false;   // due: its end is posted to the timer's executor
  };

  void Arm(boost::asio::steady_timer& timer, TimePoint deadline) override;
  void Disarm(boost::asio::steady_timer& timer) override;
  void EndWait(boost::asio::steady_timer* timer, std::uint64_t number);

  ManualClock& clock_;
  mutable std::mutex mutex_;
  std::unordered_map<boost::asio::steady_timer*, Wait> waits_;  // guarded by mutex_
  std::uint64_t next_number_ = 0;                               // guarded by mutex_
};

}  // namespace rehook
