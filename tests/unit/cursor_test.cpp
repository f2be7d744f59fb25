#include "common/cursor.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

TEST(CursorTest, RoundTrips) {
  Cursor cursor{1772323200123, "evt_01JQ3Z6X8E5M2Q7R9T4W6Y8B0C"};
  auto decoded = DecodeCursor(EncodeCursor(cursor));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->time, cursor.time);
  EXPECT_EQ(decoded->id, cursor.id);
}

TEST(CursorTest, RejectsForgedOrDamagedTokens) {
  std::string good = EncodeCursor({5, "evt_X"});
  for (std::string bad : {std::string(""), std::string("zzz"), good.substr(1), good + "!",
                          std::string(300, 'A'), std::string("YzE6eDpldnQ"),  // c1:x:evt
                          std::string("YzI6NTpldnRfWA")}) {                   // c2:5:evt_X
    EXPECT_FALSE(DecodeCursor(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace rehook
