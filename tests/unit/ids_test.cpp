#include "common/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace rehook {
namespace {

TEST(IdsTest, HavePrefixAndShape) {
  std::string id = NewId("evt", 1772323200000);
  EXPECT_EQ(id.substr(0, 4), "evt_");
  EXPECT_EQ(id.size(), 30u);
  EXPECT_TRUE(HasIdShape(id, "evt"));
  EXPECT_FALSE(HasIdShape(id, "src"));
  EXPECT_FALSE(HasIdShape("evt_short", "evt"));
  EXPECT_FALSE(HasIdShape("evt_01JQ3Z6X8E5M2Q7R9T4W6Y8B0!", "evt"));
}

TEST(IdsTest, SortByTimeAndAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(NewId("evt", 1000)).second);
  EXPECT_LT(NewId("evt", 1000), NewId("evt", 1001));
  EXPECT_LT(NewId("evt", 1772323200000), NewId("evt", 1772323200000 + 86400000));
}

TEST(IdsTest, OrderedIdsGrowWithinAMillisecondAndCarryTheirTime) {
  std::string last = NewOrderedId("evt", 5000);
  for (int i = 0; i < 10000; ++i) {
    std::string next = NewOrderedId("evt", 5000);
    ASSERT_LT(last, next);
    ASSERT_EQ(IdTime(next, "evt"), 5000);
    last = std::move(next);
  }
  EXPECT_LT(last, NewOrderedId("evt", 5001));
  EXPECT_EQ(IdTime(NewOrderedId("evt", 4000), "evt"), 4000);  // a clock going back: its time
}

TEST(IdsTest, CarryTheirTime) {
  for (TimeMs at : {TimeMs{0}, TimeMs{1000}, TimeMs{1772323200123}, (TimeMs{1} << 48) - 1}) {
    EXPECT_EQ(IdTime(NewId("evt", at), "evt"), at);
  }
  EXPECT_EQ(IdTime(NewId("evt", 1000), "src"), std::nullopt);
  EXPECT_EQ(IdTime("evt_short", "evt"), std::nullopt);
  // 26 characters carry 130 bits; NewId's first character holds only the top 3 of 128.
  EXPECT_EQ(IdTime("evt_Z1JQ3Z6X8E5M2Q7R9T4W6Y8B0C", "evt"), std::nullopt);
}

TEST(IdsTest, ATimeBoundSortsBetweenTheIdsBeforeItsTimeAndTheIdsOfIt) {
  const TimeMs day = 1765065600000;  // 2025-12-07T00:00:00Z
  const std::string bound = IdTimeBound("evt", day);
  EXPECT_EQ(bound.size(), 14u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_LT(NewId("evt", day - 1), bound);
    EXPECT_GE(NewId("evt", day), bound);
    EXPECT_GE(NewOrderedId("evt", day + 86399999), bound);
  }
  EXPECT_LT(NewId("evt", day + 86400000), IdTimeBound("evt", day + 86400001));
}

}  // namespace
}  // namespace rehook
