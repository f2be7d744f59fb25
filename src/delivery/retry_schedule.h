#pragma once
// When a failed delivery is tried again. Default: 6 attempts over about an hour — right away,
// then after 30 s, 2 min, 5 min, 15 min and 40 min — each delay stretched or shrunk by up to
// 20 % at random (jitter), so that a destination coming back is not hit by every retry at once.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "domain/destination.h"

namespace rehook {

// The longest wait a Retry-After header can impose: a consumer asking for a day is waited on
// for an hour at most (the policy's own waits may still be longer).
inline constexpr TimeMs kMaxRetryAfterMs = 60 * 60 * 1000;

class RetrySchedule {
 public:
  // `delays_ms[i]` is the wait after attempt i + 1 fails; attempts = delays + 1.
  explicit RetrySchedule(std::vector<TimeMs> delays_ms) : delays_ms_(std::move(delays_ms)) {}

  static RetrySchedule Default();
  // A destination's own policy as a schedule.
  static RetrySchedule Of(const RetryPolicy& policy);
  // "30s,2m,5m,15m,40m" (units ms, s, m, h); "" means no retries. nullopt when malformed.
  static std::optional<RetrySchedule> Parse(std::string_view text);

  int max_attempts() const { return static_cast<int>(delays_ms_.size()) + 1; }

  // The wait before the next try after `attempts_made` failed attempts, or nullopt when none is
  // left. `jitter` in [0, 1) (a uniform random draw) picks the point in the +-20 % band.
  // `retry_after_ms`: what the failed attempt's answer asked for (Retry-After on a 429 or 503):
  // the wait is at least that (up to kMaxRetryAfterMs), but no attempt is added.
  std::optional<TimeMs> DelayAfter(int attempts_made, double jitter,
                                   std::optional<TimeMs> retry_after_ms = std::nullopt) const;

 private:
  std::vector<TimeMs> delays_ms_;
};

// The wait a Retry-After header value asks for at `now`: delay-seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2026 07:28:00 GMT"); nullopt when it is neither. A date in the past is 0.
std::optional<TimeMs> ParseRetryAfter(std::string_view value, TimeMs now);

}  // namespace rehook
