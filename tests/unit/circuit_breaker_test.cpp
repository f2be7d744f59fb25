#include "delivery/circuit_breaker.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace rehook {
namespace {

class CircuitBreakerTest : public ::testing::Test {
 protected:
  ManualClock clock_{1'000'000};
  CircuitBreakers breakers_{clock_, BreakerOptions{3, 30'000}};
};

TEST_F(CircuitBreakerTest, OpensAfterConsecutiveFailures) {
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(breakers_.Allow("dst_a"));
    breakers_.RecordFailure("dst_a");
  }
  EXPECT_EQ(breakers_.Snapshot("dst_a").state, CircuitState::closed);
  EXPECT_EQ(breakers_.Snapshot("dst_a").consecutive_failures, 2);
  breakers_.RecordFailure("dst_a");
  auto open = breakers_.Snapshot("dst_a");
  EXPECT_EQ(open.state, CircuitState::open);
  EXPECT_EQ(open.opened_at, 1'000'000);
  EXPECT_EQ(open.retry_at, 1'030'000);
  EXPECT_FALSE(breakers_.Allow("dst_a"));
  EXPECT_EQ(breakers_.RetryAt("dst_a"), 1'030'000);
  // Other destinations are unaffected.
  EXPECT_TRUE(breakers_.Allow("dst_b"));
}

TEST_F(CircuitBreakerTest, TellsOfEachChangeOnce) {
  std::vector<std::string> told;
  breakers_.SetChangeListener([&](const std::string& destination, CircuitState to, int failures) {
    told.push_back(destination + (to == CircuitState::open ? " open after " : " closed ") +
                   std::to_string(failures));
  });
  breakers_.RecordFailure("dst_a");
  breakers_.RecordSuccess("dst_a");                              // closed all along: no change
  for (int i = 0; i < 4; ++i) breakers_.RecordFailure("dst_a");  // opens at the 3rd failure
  clock_.Advance(30'000);
  std::optional<CircuitPass> failing_probe = breakers_.Enter("dst_a");
  ASSERT_TRUE(failing_probe);
  failing_probe->Failed();  // a failed probe reopens it: the same outage, not told again
  clock_.Advance(30'000);
  std::optional<CircuitPass> probe = breakers_.Enter("dst_a");
  ASSERT_TRUE(probe);
  probe->Succeeded();
  breakers_.RecordSuccess("dst_a");
  EXPECT_EQ(told, (std::vector<std::string>{"dst_a open after 3", "dst_a closed 0"}));
}

TEST_F(CircuitBreakerTest, ASuccessResetsTheCount) {
  breakers_.RecordFailure("dst_a");
  breakers_.RecordFailure("dst_a");
  breakers_.RecordSuccess("dst_a");
  breakers_.RecordFailure("dst_a");
  EXPECT_EQ(breakers_.Snapshot("dst_a").state, CircuitState::closed);
  EXPECT_EQ(breakers_.Snapshot("dst_a").consecutive_failures, 1);
}

TEST_F(CircuitBreakerTest, HalfOpensAfterCooldownWithOneProbe) {
  for (int i = 0; i < 3; ++i) breakers_.RecordFailure("dst_a");
  clock_.Advance(30'000);
  EXPECT_EQ(breakers_.Snapshot("dst_a").state, CircuitState::half_open);
  EXPECT_TRUE(breakers_.Allow("dst_a"));   // the probe
  EXPECT_FALSE(breakers_.Allow("dst_a"));  // only one at a time
  EXPECT_GT(breakers_.RetryAt("dst_a"), clock_.Now());

  // A failed probe opens it again for a whole cool-down.
  breakers_.RecordFailure("dst_a");
  EXPECT_EQ(breakers_.Snapshot("dst_a").state, CircuitState::open);
  EXPECT_EQ(breakers_.Snapshot("dst_a").retry_at, clock_.Now() + 30'000);

  // A successful probe closes it.
  clock_.Advance(30'000);
  EXPECT_TRUE(breakers_.Allow("dst_a"));
  breakers_.RecordSuccess("dst_a");
  EXPECT_EQ(breakers_.Snapshot("dst_a").state, CircuitState::closed);
  EXPECT_TRUE(breakers_.Allow("dst_a"));
  EXPECT_TRUE(breakers_.Allow("dst_a"));
}

// A pass dropped without an outcome (an exception, an event erased meanwhile) gives the probe
// back: the circuit is never left waiting for a probe that will not report.
TEST_F(CircuitBreakerTest, APassDroppedWithoutAnOutcomeGivesTheProbeBack) {
  for (int i = 0; i < 5; ++i) breakers_.RecordFailure("dst_a");
  clock_.Advance(30'000);
  {
    std::optional<CircuitPass> probe = breakers_.Enter("dst_a");
    ASSERT_TRUE(probe);
    EXPECT_FALSE(breakers_.Enter("dst_a"));  // one probe at a time
  }
  std::optional<CircuitPass> again = breakers_.Enter("dst_a");
  ASSERT_TRUE(again);
  again->Succeeded();
  EXPECT_EQ(breakers_.Snapshot("dst_a").state, CircuitState::closed);
}

TEST_F(CircuitBreakerTest, AReleasedProbeCanBeTakenAgain) {
  for (int i = 0; i < 3; ++i) breakers_.RecordFailure("dst_a");
  clock_.Advance(30'000);
  EXPECT_TRUE(breakers_.Allow("dst_a"));
  breakers_.Release("dst_a");
  EXPECT_TRUE(breakers_.Allow("dst_a"));
}

}  // namespace
}  // namespace rehook
