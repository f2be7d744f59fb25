#pragma once
// Time as rehook sees it: milliseconds since the Unix epoch, UTC, read through a Clock so that
// pacing, backoff, breaker cool-downs and expiry can be tested without sleeping.

#include <atomic>
#include <cstdint>

namespace rehook {

// Milliseconds since 1970-01-01T00:00:00Z.
using TimeMs = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, used for stored timestamps (received_at, created_at, expires_at).
  virtual TimeMs Now() const = 0;
};

// The real wall clock.
class SystemClock final : public Clock {
 public:
  TimeMs Now() const override;
};

// A clock that only moves when told to; thread-safe. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeMs start) : now_(start) {}
  TimeMs Now() const override { return now_.load(); }
  void Advance(TimeMs delta) { now_.fetch_add(delta); }
  void Set(TimeMs now) { now_.store(now); }

 private:
  std::atomic<TimeMs> now_;
};

// A wall clock shifted by a fixed offset. Lets end-to-end tests run the real binary "in the
// future" (e.g. past a 24 h expiry) without waiting; only enabled by a hidden test flag.
class OffsetClock final : public Clock {
 public:
  OffsetClock(const Clock& base, TimeMs offset) : base_(base), offset_(offset) {}
  TimeMs Now() const override { return base_.Now() + offset_; }

 private:
  const Clock& base_;
  TimeMs offset_;
};

}  // namespace rehook
