// A replay job's pace, in manual time: the ReplayRunner sends a job's events to a sink on
// loopback never faster than the job's rate, waiting through its timers for manual time to pass
// (the spacing itself is Pacer's, see pacer_test.cpp).
#include "replay/replay_runner.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/ids.h"
#include "unit/lane_fixture.h"

namespace rehook {
namespace {

constexpr TimeMs kHour = 60 * 60 * 1000;

class ReplayRunnerPaceTest : public testing::LaneTest {
 protected:
  ReplayRunnerPaceTest()
      : runner_(lane_,
                ReplayStores{Role(store_.work()), Role(store_.replays()), Role(store_.events()),
                             Role(store_.configuration())},
                writer_, outbound_, breakers_, destinations_, transforms_, clock_, timers_,
                metrics_,
                // Claims and lease renewals an hour apart, and each delivery recorded at once:
                // the only waits are the job's own.
                ReplayRunnerOptions{.node_id = "node-a",
                                    .lease_ms = 2 * kHour,
                                    .poll_interval_ms = kHour,
                                    .renew_interval_ms = kHour,
                                    .record_interval_ms = 0}) {}
  ~ReplayRunnerPaceTest() override {
    StopLane([this] { runner_.Stop(); });
  }

  ReplayJob InsertJob(int rate_limit, int total) {
    ReplayJob job;
    job.id = NewId("job", kStart);
    job.org_id = org_.id;
    job.destination_id = destination_.id;
    job.from = kStart - kHour;
    job.to = kStart;
    job.rate_limit = rate_limit;
    job.max_events = 100;
    job.status = ReplayStatus::running;
    job.total = total;
    job.created_at = job.started_at = kStart;
    store_.replays().InsertReplayJob(job);
    return job;
  }

  Metrics metrics_;
  ReplayRunner runner_;
};

TEST_F(ReplayRunnerPaceTest, SendsNoMoreThanTheJobsRateInAnySecondOfManualTime) {
  for (int i = 0; i < 4; ++i) Capture(kStart - 10'000 + i * 1000, false);
  const ReplayJob job = InsertJob(/*rate_limit=*/2, /*total=*/4);
  runner_.Start();
  RunLane();

  // Time moves only to the start the job naps until, once it has sent all it may before.
  while (Arrivals().size() < 4 && !HasFatalFailure()) {
    std::optional<TimeMs> next_start;
    // The last event may still be crossing loopback: then no next start comes, only it.
    ASSERT_TRUE(testing::Eventually([&] {
      next_start = timers_.NextDeadline();
      return Arrivals().size() == 4 || (next_start && *next_start < kStart + kHour);
    })) << Arrivals().size()
        << " events sent, and the job does not wait for a next start";
    if (Arrivals().size() == 4) break;
    const std::size_t sent = Arrivals().size();
    timers_.Advance(*next_start - clock_.Now());
    ASSERT_TRUE(testing::Eventually([&] { return Arrivals().size() > sent; }))
        << "nothing sent at the start the job waited for";
  }

  // Never more than the rate in any one-second window, and not slower than the rate: four
  // events at 2/s go out within about a second (one at 1/s would take three).
  const std::vector<TimeMs> at = Arrivals();
  ASSERT_EQ(at.size(), 4u);
  EXPECT_EQ(at[0], kStart);  // the first at once
  for (std::size_t i = 0; i < at.size(); ++i) {
    const auto in_window = std::count_if(at.begin(), at.end(),
                                         [&](TimeMs t) { return t >= at[i] && t < at[i] + 1000; });
    EXPECT_LE(in_window, 2) << "in the second from event " << i;
  }
  EXPECT_GE(at[3] - at[0], 1000);
  EXPECT_LT(at[3] - at[0], 2000);

  ASSERT_TRUE(testing::Eventually([&] {
    auto stored = store_.replays().GetReplayJob(org_.id, job.id);
    return stored && stored->status == ReplayStatus::completed;
  }));
  const ReplayJob done = *store_.replays().GetReplayJob(org_.id, job.id);
  EXPECT_EQ(done.processed, 4);
  EXPECT_EQ(done.succeeded, 4);
}

}  // namespace
}  // namespace rehook
