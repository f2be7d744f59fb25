#include "http/rate_limiter.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

TEST(RateLimiterTest, AllowsBurstThenRefillsAtRate) {
  ManualClock clock(1000000);
  RateLimiter limiter(clock, /*per_second=*/50, /*burst=*/100);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.TryAcquire("key_a").has_value()) << i;
  auto retry = limiter.TryAcquire("key_a");
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(*retry, 1);

  clock.Advance(100);  // 5 tokens
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.TryAcquire("key_a").has_value());
  EXPECT_TRUE(limiter.TryAcquire("key_a").has_value());
}

TEST(RateLimiterTest, KeysAreIndependent) {
  ManualClock clock(0);
  RateLimiter limiter(clock, 1, 1);
  EXPECT_FALSE(limiter.TryAcquire("a").has_value());
  EXPECT_TRUE(limiter.TryAcquire("a").has_value());
  EXPECT_FALSE(limiter.TryAcquire("b").has_value());
}

TEST(RateLimiterTest, RetryAfterCoversTheWait) {
  ManualClock clock(0);
  RateLimiter limiter(clock, 0.25, 1);  // one token every 4 s
  EXPECT_FALSE(limiter.TryAcquire("a").has_value());
  EXPECT_EQ(limiter.TryAcquire("a"), 4);
}

}  // namespace
}  // namespace rehook
