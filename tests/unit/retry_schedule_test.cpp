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

}  // namespace
}  // namespace rehook
