#include "common/duration.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

TEST(DurationTest, ReadsAWholeNumberAndAUnit) {
  EXPECT_EQ(ParseDurationMs("250ms"), 250);
  EXPECT_EQ(ParseDurationMs("30s"), 30'000);
  EXPECT_EQ(ParseDurationMs("10m"), 600'000);
  EXPECT_EQ(ParseDurationMs("2h"), 7'200'000);
  EXPECT_EQ(ParseDurationMs("1d"), 86'400'000);
}

TEST(DurationTest, RefusesAnythingElse) {
  for (const char* text : {"", "10", "m", "0s", "-5s", "1.5h", "10 m", "10M", "5w",
                           "99999999999999999999d", "9999999999999999d"}) {
    EXPECT_FALSE(ParseDurationMs(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace rehook
