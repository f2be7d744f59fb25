#pragma once
// When a failed delivery is tried again. Default: 6 attempts over about an hour — right away,
// then after 30 s, 2 min, 5 min, 15 min and 40 min — each delay stretched or shrunk by up to
// 20 % at random (jitter), so that a destination coming back is not hit by every retry at once.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"

namespace rehook {

class RetrySchedule {
 public:
  // `delays_ms[i]` is the wait after attempt i + 1 fails; attempts = delays + 1.
  explicit RetrySchedule(std::vector<TimeMs> delays_ms) : delays_ms_(std::move(delays_ms)) {}

  static RetrySchedule Default();
  // "30s,2m,5m,15m,40m" (units ms, s, m, h); "" means no retries. nullopt when malformed.
  static std::optional<RetrySchedule> Parse(std::string_view text);

  int max_attempts() const { return static_cast<int>(delays_ms_.size()) + 1; }

  // The wait before the next try after `attempts_made` failed attempts, or nullopt when none is
  // left. `jitter` in [0, 1) (a uniform random draw) picks the point in the +-20 % band.
  std::optional<TimeMs> DelayAfter(int attempts_made, double jitter) const;

 private:
  std::vector<TimeMs> delays_ms_;
};

}  // namespace rehook
