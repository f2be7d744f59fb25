#pragma once
// Per-key API rate limit: a token bucket per key (default 50 requests/s, bursts of 100).
// In memory, per node: with several nodes each enforces the limit on its own share.

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace rehook {

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, double per_second, double burst);

  // Takes one token for `key`. Returns nullopt when allowed, otherwise the whole seconds to
  // wait before a token is available (for Retry-After, at least 1).
  std::optional<int> TryAcquire(const std::string& key);

 private:
  struct Bucket {
    double tokens = 0;
    TimeMs updated_at = 0;
  };

  // Drops buckets that have been full for a while, so the map does not grow without bound.
  void ForgetIdleBuckets(TimeMs now);

  const Clock& clock_;
  double per_second_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  TimeMs last_sweep_ = 0;
};

}  // namespace rehook
