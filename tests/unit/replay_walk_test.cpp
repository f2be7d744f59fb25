#include "replay/replay_walk.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

Cursor At(TimeMs time, std::string id) { return Cursor{time, std::move(id)}; }

TEST(ReplayWalkTest, ResumesAfterTheLastEventBeforeWhichAllAreDone) {
  ReplayWalk walk;
  auto a = walk.Walk(At(1, "evt_a"));
  auto b = walk.Walk(At(2, "evt_b"));
  auto c = walk.Walk(At(3, "evt_c"));
  EXPECT_FALSE(walk.resume_after().has_value());
  EXPECT_EQ(walk.pending(), 3u);

  walk.Done(c);  // finished first, but a and b are still in flight
  EXPECT_FALSE(walk.resume_after().has_value());
  walk.Done(a);
  ASSERT_TRUE(walk.resume_after().has_value());
  EXPECT_EQ(walk.resume_after()->id, "evt_a");
  walk.Done(b);  // b done: everything up to c is
  EXPECT_EQ(walk.resume_after()->id, "evt_c");
  EXPECT_EQ(walk.resume_after()->time, 3);
  EXPECT_EQ(walk.pending(), 0u);
}

TEST(ReplayWalkTest, StartsFromAPersistedCursorAndIgnoresRepeatedOrUnknownTickets) {
  ReplayWalk walk(At(10, "evt_x"));
  EXPECT_EQ(walk.resume_after()->id, "evt_x");
  auto d = walk.Walk(At(11, "evt_d"));
  walk.Done(d + 5);  // never handed out
  EXPECT_EQ(walk.resume_after()->id, "evt_x");
  walk.Done(d);
  walk.Done(d);
  EXPECT_EQ(walk.resume_after()->id, "evt_d");
  EXPECT_EQ(walk.pending(), 0u);
}

}  // namespace
}  // namespace rehook
