#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace rehook {

RateLimiter::RateLimiter(const Clock& clock, double per_second, double burst)
    : clock_(clock), per_second_(per_second), burst_(std::max(1.0, burst)) {}

std::optional<int> RateLimiter::TryAcquire(const std::string& key) {
  TimeMs now = clock_.Now();
  std::lock_guard lock(mutex_);
  ForgetIdleBuckets(now);
  auto [it, created] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (!created) {
    double elapsed = static_cast<double>(std::max<TimeMs>(0, now - bucket.updated_at)) / 1000.0;
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed * per_second_);
    bucket.updated_at = now;
  }
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return std::nullopt;
  }
  double wait = (1.0 - bucket.tokens) / per_second_;
  return std::max(1, static_cast<int>(std::ceil(wait)));
}

void RateLimiter::ForgetIdleBuckets(TimeMs now) {
  if (now - last_sweep_ < 60'000) return;
  last_sweep_ = now;
  const TimeMs refill_ms = static_cast<TimeMs>(burst_ / per_second_ * 1000.0) + 1000;
  std::erase_if(buckets_,
                [&](const auto& entry) { return now - entry.second.updated_at > refill_ms; });
}

}  // namespace rehook
