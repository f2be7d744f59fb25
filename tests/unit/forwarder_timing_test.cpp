// The forwarder's retries and circuit breaker against a sink on loopback, in manual time: a
// retry goes out only once the retry schedule's delay has passed, and a destination behind an
// open circuit gets nothing until the cool-down has passed, then one probe.
#include "delivery/forwarder.h"

#include <gtest/gtest.h>

#include "unit/lane_fixture.h"

namespace rehook {
namespace {

constexpr TimeMs kPollMs = 100;
constexpr int kPollBatch = 2;  // tasks claimed per poll at most

class ForwarderTimingTest : public testing::LaneTest {
 protected:
  ForwarderTimingTest()
      : forwarder_(lane_,
                   ForwarderStores{Role(store_.configuration()), Role(store_.events()),
                                   Role(store_.work()), Role(store_.cluster())},
                   writer_, outbound_, breakers_, destinations_, transforms_,
                   RetrySchedule({1000, 1000, 1000, 1000}), clock_, timers_, deliveries_,
                   ForwarderOptions{.owner = TaskOwner{"node-a", 60'000},
                                    .poll_interval_ms = kPollMs,
                                    .poll_batch = kPollBatch}) {}
  ~ForwarderTimingTest() override {
    StopLane([this] { forwarder_.Stop(); });
  }

  void Start() {
    forwarder_.Start();
    RunLane();
  }

  // The event's attempts once `n` are logged (a sink sees a delivery before it is logged).
  std::vector<DeliveryAttempt> WaitForAttempts(const std::string& event_id, std::size_t n) {
    std::vector<DeliveryAttempt> attempts;
    EXPECT_TRUE(testing::Eventually([&] {
      attempts = Attempts(event_id);
      return attempts.size() >= n;
    })) << "waiting for attempt "
        << n;
    return attempts;
  }

  Forwarder forwarder_;
};

TEST_F(ForwarderTimingTest, RetriesOnlyOnceTheScheduledDelayHasPassed) {
  AnswerWith({503, 200});
  const Captured captured = Capture(kStart, true);
  Start();

  std::vector<DeliveryAttempt> attempts = WaitForAttempts(captured.event.id, 1);
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].status_code, 503);
  ASSERT_TRUE(attempts[0].next_retry_at);
  const TimeMs retry_at = *attempts[0].next_retry_at;
  // The schedule's first delay, 1 s, give or take its 20 % jitter.
  EXPECT_GE(retry_at - kStart, 800);
  EXPECT_LE(retry_at - kStart, 1200);

  // A millisecond before it, after every poll on the way: one request so far, and the task
  // waits in the store, untaken, for its time.
  AdvanceTo(retry_at - 1);
  EXPECT_EQ(Arrivals().size(), 1u);
  EXPECT_FALSE(TaskFreeAndDueBy(captured.task_id, retry_at - 1));
  EXPECT_TRUE(TaskFreeAndDueBy(captured.task_id, retry_at));

  // The first poll at or after it sends the retry.
  Advance(*timers_.NextDeadline() - clock_.Now());
  ASSERT_TRUE(testing::Eventually([&] { return Arrivals().size() == 2; }));
  EXPECT_GE(Arrivals()[1], retry_at);
  EXPECT_LT(Arrivals()[1], retry_at + kPollMs);
  attempts = WaitForAttempts(captured.event.id, 2);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[1].attempt, 2);
  EXPECT_TRUE(attempts[1].success);
  EXPECT_FALSE(attempts[1].next_retry_at);
}

// A node that dies holding tasks leaves them leased. Live deliveries are leased too and kept out
// of the index the poller reads every poll, so lapsed leases are looked for every half lease
// (here 30 s of the 60 s lease), from the first poll on, and at once again while they fill the
// poller's claims: a dead node's backlog is taken over in one go, not a claim per half lease.
TEST_F(ForwarderTimingTest, TasksWhoseLeaseLapsedOnAnotherNodeAreTakenOverWithinHalfALease) {
  std::vector<Captured> captured;
  for (int i = 0; i < kPollBatch + 1; ++i) captured.push_back(Capture(kStart, true));
  ASSERT_EQ(store_.work().ClaimDueTasks(kStart, "node-gone", kStart + 5'000, 10).size(),
            captured.size());
  Start();
  // The first poll (at kStart) has looked for lapsed leases and gone to sleep.
  ASSERT_TRUE(testing::Eventually([&] { return timers_.NextDeadline().has_value(); }));

  AdvanceTo(kStart + 30'000 - 1);  // lapsed since kStart + 5 s, not looked for again yet
  EXPECT_TRUE(Arrivals().empty());
  Advance(*timers_.NextDeadline() - clock_.Now());
  ASSERT_TRUE(testing::Eventually([&] { return Arrivals().size() == captured.size(); }));
  for (TimeMs arrival : Arrivals()) {
    EXPECT_GE(arrival, kStart + 30'000);
    EXPECT_LT(arrival, kStart + 30'000 + kPollMs);
  }
  for (const Captured& one : captured) {
    std::vector<DeliveryAttempt> attempts = WaitForAttempts(one.event.id, 1);
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_TRUE(attempts[0].success);
  }
}

TEST_F(ForwarderTimingTest, AnOpenCircuitHoldsDeliveriesUntilTheCooldownThenSendsOneProbe) {
  AnswerWith({503, 503, 200});  // two failures open the circuit (threshold 2)
  const Captured captured = Capture(kStart, true);
  Start();
  std::vector<DeliveryAttempt> attempts = WaitForAttempts(captured.event.id, 1);
  ASSERT_TRUE(attempts.size() == 1 && attempts[0].next_retry_at);
  AdvanceTo(*attempts[0].next_retry_at + kPollMs);
  attempts = WaitForAttempts(captured.event.id, 2);
  ASSERT_TRUE(attempts.size() == 2 && attempts[1].next_retry_at);
  const CircuitSnapshot circuit = breakers_.Snapshot(destination_.id);
  ASSERT_EQ(circuit.state, CircuitState::open);
  const TimeMs cooldown_end = circuit.retry_at;
  ASSERT_GT(cooldown_end, *attempts[1].next_retry_at);

  // The retry falls due while the circuit is open: the poller takes the task and puts it back,
  // due when the cool-down ends, without sending anything or logging an attempt.
  AdvanceTo(*attempts[1].next_retry_at + kPollMs);
  ASSERT_TRUE(
      testing::Eventually([&] { return TaskFreeAndDueBy(captured.task_id, cooldown_end); }));
  EXPECT_FALSE(TaskFreeAndDueBy(captured.task_id, cooldown_end - 1));
  AdvanceTo(cooldown_end - 1);
  EXPECT_EQ(Arrivals().size(), 2u);
  EXPECT_EQ(Attempts(captured.event.id).size(), 2u);
  EXPECT_EQ(breakers_.Snapshot(destination_.id).state, CircuitState::open);

  // The first poll after the cool-down sends one probe; its success closes the circuit.
  Advance(*timers_.NextDeadline() - clock_.Now());
  ASSERT_TRUE(testing::Eventually([&] { return Arrivals().size() == 3; }));
  EXPECT_GE(Arrivals()[2], cooldown_end);
  attempts = WaitForAttempts(captured.event.id, 3);
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[2].attempt, 3);
  EXPECT_TRUE(attempts[2].success);
  EXPECT_EQ(breakers_.Snapshot(destination_.id).state, CircuitState::closed);
}

TEST_F(ForwarderTimingTest, ADestinationsOwnPolicyDecidesTheWaitAndWhenToStop) {
  // The server's schedule allows five retries a second apart; the destination's own policy
  // allows one, 400 ms after the first failure.
  destination_.retry = RetryPolicy{2, RetryBackoff::linear, 400};
  ASSERT_TRUE(store_.configuration().UpdateDestination(destination_));
  AnswerWith({503});
  const Captured captured = Capture(kStart, true);
  Start();

  std::vector<DeliveryAttempt> attempts = WaitForAttempts(captured.event.id, 1);
  ASSERT_TRUE(attempts.size() == 1 && attempts[0].next_retry_at);
  EXPECT_GE(*attempts[0].next_retry_at - kStart, 320);
  EXPECT_LE(*attempts[0].next_retry_at - kStart, 480);

  AdvanceTo(*attempts[0].next_retry_at + kPollMs);
  attempts = WaitForAttempts(captured.event.id, 2);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[1].trigger, AttemptTrigger::retry);
  EXPECT_FALSE(attempts[1].next_retry_at) << "the policy's two attempts are spent";

  // Well past every wait the server's schedule would have made: nothing more is sent.
  AdvanceTo(kStart + 60'000);
  EXPECT_EQ(Arrivals().size(), 2u);
  EXPECT_EQ(Attempts(captured.event.id).size(), 2u);
}

TEST_F(ForwarderTimingTest, RetryAfterOnA429LengthensTheWaitButAddsNoAttempt) {
  AnswerWith({429, 200}, {{"Retry-After", "5"}});
  const Captured captured = Capture(kStart, true);
  Start();

  std::vector<DeliveryAttempt> attempts = WaitForAttempts(captured.event.id, 1);
  ASSERT_TRUE(attempts.size() == 1 && attempts[0].next_retry_at);
  const TimeMs retry_at = *attempts[0].next_retry_at;
  // The schedule says about 1 s; the destination asked for 5 s, and gets that.
  EXPECT_GE(retry_at - kStart, 5000);
  EXPECT_LT(retry_at - kStart, 5000 + kPollMs);

  AdvanceTo(retry_at - 1);
  EXPECT_EQ(Arrivals().size(), 1u);
  AdvanceTo(retry_at + kPollMs);
  attempts = WaitForAttempts(captured.event.id, 2);
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_TRUE(attempts[1].success);
  EXPECT_GE(Arrivals()[1], retry_at);
}

TEST_F(ForwarderTimingTest, RetryAfterOnOtherStatusesIsIgnored) {
  AnswerWith({500, 200}, {{"Retry-After", "60"}});
  const Captured captured = Capture(kStart, true);
  Start();
  std::vector<DeliveryAttempt> attempts = WaitForAttempts(captured.event.id, 1);
  ASSERT_TRUE(attempts.size() == 1 && attempts[0].next_retry_at);
  EXPECT_LE(*attempts[0].next_retry_at - kStart, 1200);
}

}  // namespace
}  // namespace rehook
