// The destination state several nodes share through the store: rate-limit slots and circuits.
// Runs against every Store implementation.
#include "unit/store_fixture.h"

namespace rehook {
namespace {

using StoreSharedStateTest = StoreTest;

TEST_P(StoreSharedStateTest, ReservesDeliverySlotsSpacedApartAndNeverInThePast) {
  EXPECT_EQ(store_->cluster().ReserveDeliverySlot("dst_a", 1000, 100), 1000);
  EXPECT_EQ(store_->cluster().ReserveDeliverySlot("dst_a", 1000, 100), 1100);
  EXPECT_EQ(store_->cluster().ReserveDeliverySlot("dst_a", 1050, 100), 1200);
  // Another destination has its own slots.
  EXPECT_EQ(store_->cluster().ReserveDeliverySlot("dst_b", 1050, 100), 1050);
  // After a quiet spell the next slot is now, not a slot in the past.
  EXPECT_EQ(store_->cluster().ReserveDeliverySlot("dst_a", 5000, 100), 5000);
}

TEST_P(StoreSharedStateTest, CircuitOpensWhenTheSharedRunOfFailuresReachesTheThreshold) {
  constexpr int kThreshold = 5;
  constexpr TimeMs kCooldown = 30'000;
  // Two nodes' failures add up: 2 + 2 is still closed, one more opens it.
  auto record = store_->cluster().ReportCircuit({"dst_a", 2, false}, kThreshold, kCooldown, 1000);
  EXPECT_EQ(record.consecutive_failures, 2);
  EXPECT_EQ(record.retry_at, 0);
  record = store_->cluster().ReportCircuit({"dst_a", 2, false}, kThreshold, kCooldown, 1100);
  EXPECT_EQ(record.consecutive_failures, 4);
  EXPECT_EQ(record.retry_at, 0);
  record = store_->cluster().ReportCircuit({"dst_a", 1, false}, kThreshold, kCooldown, 1200);
  EXPECT_EQ(record.consecutive_failures, 5);
  EXPECT_EQ(record.opened_at, 1200);
  EXPECT_EQ(record.retry_at, 1200 + kCooldown);

  // More failures while open do not push the half-open time back.
  record = store_->cluster().ReportCircuit({"dst_a", 3, false}, kThreshold, kCooldown, 2000);
  EXPECT_EQ(record.retry_at, 1200 + kCooldown);
  // A failed probe after the cool-down opens it again.
  record = store_->cluster().ReportCircuit({"dst_a", 1, false}, kThreshold, kCooldown, 40'000);
  EXPECT_EQ(record.opened_at, 40'000);
  EXPECT_EQ(record.retry_at, 40'000 + kCooldown);

  auto troubled = store_->cluster().ListTroubledCircuits();
  ASSERT_EQ(troubled.size(), 1u);
  EXPECT_EQ(troubled[0].destination_id, "dst_a");

  // A success (with no failure after it) closes it for every node.
  record = store_->cluster().ReportCircuit({"dst_a", 0, true}, kThreshold, kCooldown, 80'000);
  EXPECT_EQ(record.consecutive_failures, 0);
  EXPECT_EQ(record.retry_at, 0);
  EXPECT_TRUE(store_->cluster().ListTroubledCircuits().empty());
}

TEST_P(StoreSharedStateTest, FailuresAfterASuccessStartANewRun) {
  store_->cluster().ReportCircuit({"dst_a", 4, false}, 5, 1000, 100);
  auto record = store_->cluster().ReportCircuit({"dst_a", 2, true}, 5, 1000, 200);
  EXPECT_EQ(record.consecutive_failures, 2);
  EXPECT_EQ(record.retry_at, 0);
  // A first report can open the circuit by itself.
  record = store_->cluster().ReportCircuit({"dst_b", 6, false}, 5, 1000, 300);
  EXPECT_EQ(record.retry_at, 1300);
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreSharedStateTest, ::testing::ValuesIn(AllStores()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace rehook
