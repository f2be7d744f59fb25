#include "store/job_progress.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

ReplayProgress Delivered(const std::string& job, int processed, std::optional<Cursor> cursor) {
  ReplayProgress progress;
  progress.job_id = job;
  progress.processed = processed;
  progress.succeeded = processed;
  progress.cursor = std::move(cursor);
  progress.attempt = DeliveryAttempt{};
  return progress;
}

ReplayProgress Status(const std::string& job, int processed, ReplayStatus status,
                      const std::string& reason) {
  ReplayProgress progress = Delivered(job, processed, std::nullopt);
  progress.attempt.reset();
  progress.status = status;
  progress.status_reason = reason;
  if (status == ReplayStatus::completed) progress.completed_at = 1000 + processed;
  return progress;
}

TEST(LastProgressPerJob, OneRecordPerJobInIdOrderWithItsLastCountersAndCursor) {
  auto last = LastProgressPerJob(
      {Delivered("rpl_b", 1, Cursor{10, "evt_1"}), Delivered("rpl_a", 1, Cursor{10, "evt_1"}),
       Delivered("rpl_b", 2, Cursor{20, "evt_2"}), Delivered("rpl_b", 3, std::nullopt)});
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0].job_id, "rpl_a");
  EXPECT_EQ(last[0].processed, 1);
  EXPECT_EQ(last[1].job_id, "rpl_b");
  EXPECT_EQ(last[1].processed, 3);
  EXPECT_EQ(last[1].succeeded, 3);
  ASSERT_TRUE(last[1].cursor.has_value());  // the last record that had one
  EXPECT_EQ(last[1].cursor->id, "evt_2");
  EXPECT_FALSE(last[1].attempt.has_value());  // attempts are inserted one by one
  EXPECT_FALSE(last[1].status.has_value());
}

TEST(LastProgressPerJob, TheLatestChangeOfStatusWinsUnlessAnEarlierOneEndedTheJob) {
  auto paused_then_running = LastProgressPerJob(
      {Status("rpl_a", 1, ReplayStatus::paused, "circuit open"),
       Delivered("rpl_a", 2, Cursor{20, "evt_2"}), Status("rpl_a", 2, ReplayStatus::running, "")});
  ASSERT_EQ(paused_then_running.size(), 1u);
  EXPECT_EQ(paused_then_running[0].status, ReplayStatus::running);
  EXPECT_EQ(paused_then_running[0].status_reason, "");

  auto completed_then_more =
      LastProgressPerJob({Status("rpl_a", 5, ReplayStatus::completed, ""),
                          Status("rpl_a", 5, ReplayStatus::paused, "too late")});
  ASSERT_EQ(completed_then_more.size(), 1u);
  EXPECT_EQ(completed_then_more[0].status, ReplayStatus::completed);
  EXPECT_EQ(completed_then_more[0].completed_at, 1005);

  auto status_then_delivery = LastProgressPerJob(
      {Status("rpl_a", 1, ReplayStatus::paused, "circuit open"), Delivered("rpl_a", 2, {})});
  EXPECT_EQ(status_then_delivery[0].status, ReplayStatus::paused);  // kept by a plain record
  EXPECT_EQ(status_then_delivery[0].processed, 2);
}

}  // namespace
}  // namespace rehook
