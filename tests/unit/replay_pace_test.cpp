#include "metrics/replay_pace.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

using namespace std::chrono_literals;

TEST(ReplayPaceBoardTest, MeasuresTheRateOverTheTrailingWindow) {
  ReplayPaceBoard board;
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  // 10 per second for 20 s, on time.
  for (int i = 0; i < 200; ++i) board.Started("job_a", 10, 0ns, t0 + i * 100ms);
  auto paces = board.Read(t0 + 20s);
  ASSERT_EQ(paces.size(), 1u);
  EXPECT_EQ(paces[0].job_id, "job_a");
  EXPECT_EQ(paces[0].rate_limit, 10);
  EXPECT_NEAR(paces[0].achieved_per_second, 10.0, 0.11);
  EXPECT_EQ(paces[0].lag_seconds, 0.0);
  // Nothing started since: the rate decays to 0 as the window empties.
  EXPECT_NEAR(board.Read(t0 + 25s)[0].achieved_per_second, 5.0, 0.11);
  EXPECT_EQ(board.Read(t0 + 40s)[0].achieved_per_second, 0.0);
}

TEST(ReplayPaceBoardTest, AYoungJobIsMeasuredOverItsLifeAndLagIsTheLatestStarts) {
  ReplayPaceBoard board;
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  for (int i = 0; i < 4; ++i) board.Started("job_b", 2, 250ms, t0 + i * 500ms);
  board.Started("job_a", 100, -5ms, t0);  // early never reads as negative lag
  auto paces = board.Read(t0 + 2s);
  ASSERT_EQ(paces.size(), 2u);
  EXPECT_EQ(paces[0].job_id, "job_a");
  EXPECT_EQ(paces[0].lag_seconds, 0.0);
  EXPECT_NEAR(paces[0].achieved_per_second, 0.5, 1e-9);  // 1 start in its first 2 s
  EXPECT_NEAR(paces[1].achieved_per_second, 2.0, 1e-9);  // 4 starts in 2 s
  EXPECT_NEAR(paces[1].lag_seconds, 0.25, 1e-9);
  board.Forget("job_b");
  EXPECT_EQ(board.Read(t0 + 2s).size(), 1u);
}

}  // namespace
}  // namespace rehook
