#include "common/iso8601.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

constexpr TimeMs kMarch1 = 1772323200000;  // 2026-03-01T00:00:00Z

TEST(Iso8601Test, ParsesUtcWithAndWithoutFraction) {
  EXPECT_EQ(ParseIso8601("2026-03-01T00:00:00Z"), kMarch1);
  EXPECT_EQ(ParseIso8601("2026-03-01T00:00:00.000Z"), kMarch1);
  EXPECT_EQ(ParseIso8601("2026-03-01T00:00:00.5Z"), kMarch1 + 500);
  EXPECT_EQ(ParseIso8601("2026-03-01T00:00:00.123456789Z"), kMarch1 + 123);
  EXPECT_EQ(ParseIso8601("2026-03-01t00:00:00z"), kMarch1);
}

TEST(Iso8601Test, AppliesOffsets) {
  EXPECT_EQ(ParseIso8601("2026-03-01T02:00:00+02:00"), kMarch1);
  EXPECT_EQ(ParseIso8601("2026-03-01T02:00:00+0200"), kMarch1);
  EXPECT_EQ(ParseIso8601("2026-03-01T02:00:00+02"), kMarch1);
  EXPECT_EQ(ParseIso8601("2026-02-28T19:30:00-04:30"), kMarch1);
  EXPECT_EQ(ParseIso8601("2026-03-01T00:00:00+00:00"), kMarch1);
}

TEST(Iso8601Test, RejectsEverythingElse) {
  for (const char* bad : {"", "2026-03-01", "2026-03-01T00:00:00", "2026-03-01 00:00:00Z",
                          "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-03-01T24:00:00Z",
                          "2026-03-01T00:60:00Z", "2026-03-01T00:00:60Z", "2026-03-01T00:00:00.Z",
                          "2026-03-01T00:00:00+25:00", "2026-03-01T00:00:00Zjunk", "yesterday",
                          "1772323200", "2026-3-1T00:00:00Z", "2026-03-01T00:00:00+2:00"}) {
    EXPECT_FALSE(ParseIso8601(bad).has_value()) << bad;
  }
}

TEST(Iso8601Test, AcceptsLeapDay) {
  EXPECT_TRUE(ParseIso8601("2028-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(ParseIso8601("2027-02-29T00:00:00Z").has_value());
}

// Found by tests/fuzz/iso8601_fuzz: the offset moved these out of the four-digit years, and the
// API echoed them as "00-1-12-31T23:00:00.000Z" and "10000-01-01T00:59:59.999Z".
TEST(Iso8601Test, RejectsInstantsOutsideYears0000To9999) {
  EXPECT_FALSE(ParseIso8601("0000-01-01T00:00:00+01:00").has_value());
  EXPECT_FALSE(ParseIso8601("9999-12-31T23:59:59.999-01:00").has_value());
  auto first = ParseIso8601("0000-01-01T00:00:00Z");
  auto last = ParseIso8601("9999-12-31T23:59:59.999Z");
  ASSERT_TRUE(first && last);
  EXPECT_EQ(FormatIso8601(*first), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601(*last), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(ParseIso8601("0000-01-01T01:00:00+01:00"), first);
  EXPECT_EQ(ParseIso8601("9999-12-31T22:59:59.999-01:00"), last);
}

TEST(Iso8601Test, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatIso8601(kMarch1), "2026-03-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601(kMarch1 + 42), "2026-03-01T00:00:00.042Z");
  EXPECT_EQ(ParseIso8601(FormatIso8601(kMarch1 + 98765)), kMarch1 + 98765);
}

}  // namespace
}  // namespace rehook
