#include "delivery/retry_schedule.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

TEST(RetryScheduleTest, DefaultIsSixAttemptsOverAboutAnHour) {
  RetrySchedule schedule = RetrySchedule::Default();
  EXPECT_EQ(schedule.max_attempts(), 6);
  TimeMs total = 0;
  for (int attempts = 1; attempts < 6; ++attempts) total += *schedule.DelayAfter(attempts, 0.5);
  EXPECT_GE(total, 55 * 60'000);
  EXPECT_LE(total, 65 * 60'000);
  EXPECT_FALSE(schedule.DelayAfter(6, 0.5).has_value());  // given up after the sixth
}

TEST(RetryScheduleTest, JitterStaysWithinTwentyPercent) {
  RetrySchedule schedule({10'000});
  EXPECT_EQ(*schedule.DelayAfter(1, 0.0), 8'000);
  EXPECT_EQ(*schedule.DelayAfter(1, 0.5), 10'000);
  EXPECT_LT(*schedule.DelayAfter(1, 0.999999), 12'000);
}

TEST(RetryScheduleTest, ParsesUnits) {
  auto schedule = RetrySchedule::Parse("250ms,2s,3m,1h");
  ASSERT_TRUE(schedule);
  EXPECT_EQ(schedule->max_attempts(), 5);
  EXPECT_EQ(*schedule->DelayAfter(1, 0.5), 250);
  EXPECT_EQ(*schedule->DelayAfter(2, 0.5), 2'000);
  EXPECT_EQ(*schedule->DelayAfter(3, 0.5), 180'000);
  EXPECT_EQ(*schedule->DelayAfter(4, 0.5), 3'600'000);
  EXPECT_EQ(RetrySchedule::Parse("")->max_attempts(), 1);
  for (const char* bad : {"5", "5x", "-1s", "1s,", ",1s", "0s", "1.5s", "s"}) {
    EXPECT_FALSE(RetrySchedule::Parse(bad).has_value()) << bad;
  }
}

TEST(RetryScheduleTest, APolicyBecomesASchedule) {
  RetrySchedule exponential = RetrySchedule::Of({4, RetryBackoff::exponential, 1000});
  EXPECT_EQ(exponential.max_attempts(), 4);
  EXPECT_EQ(*exponential.DelayAfter(1, 0.5), 1000);
  EXPECT_EQ(*exponential.DelayAfter(2, 0.5), 2000);
  EXPECT_EQ(*exponential.DelayAfter(3, 0.5), 4000);
  EXPECT_FALSE(exponential.DelayAfter(4, 0.5));

  RetrySchedule linear = RetrySchedule::Of({4, RetryBackoff::linear, 1000});
  EXPECT_EQ(*linear.DelayAfter(1, 0.5), 1000);
  EXPECT_EQ(*linear.DelayAfter(2, 0.5), 2000);
  EXPECT_EQ(*linear.DelayAfter(3, 0.5), 3000);

  EXPECT_EQ(RetrySchedule::Of({1, RetryBackoff::exponential, 1000}).max_attempts(), 1);
  // Twenty attempts from a day's interval: doubling stops at a week instead of overflowing.
  RetrySchedule longest = RetrySchedule::Of(
      {RetryPolicy::kMaxAttempts, RetryBackoff::exponential, RetryPolicy::kMaxIntervalMs});
  EXPECT_EQ(*longest.DelayAfter(19, 0.5), 7LL * 24 * 60 * 60 * 1000);
}

TEST(RetryScheduleTest, RetryAfterIsAFloorUpToAnHourAndNeverAnExtraAttempt) {
  RetrySchedule schedule({10'000});
  EXPECT_EQ(*schedule.DelayAfter(1, 0.5, 60'000), 60'000);
  EXPECT_EQ(*schedule.DelayAfter(1, 0.5, 2'000), 10'000);  // never shorter than the policy
  EXPECT_EQ(*schedule.DelayAfter(1, 0.5, 24LL * 3'600'000), kMaxRetryAfterMs);
  EXPECT_FALSE(schedule.DelayAfter(2, 0.5, 60'000));
}

TEST(RetryScheduleTest, ParsesRetryAfterAsSecondsOrAnHttpDate) {
  const TimeMs now = 1'445'412'480'000;  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(ParseRetryAfter("120", now), 120'000);
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), 0);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), 30'000);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now), 0);  // in the past
  EXPECT_EQ(ParseRetryAfter("99999999", now), kMaxRetryAfterMs);
  for (const char* bad : {"", "soon", "-5", "1.5", "12abc", "21 Oct 2015"}) {
    EXPECT_FALSE(ParseRetryAfter(bad, now)) << bad;
  }
}

}  // namespace
}  // namespace rehook
