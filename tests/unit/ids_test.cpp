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

}  // namespace
}  // namespace rehook
