#include "store/batch_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "common/ids.h"
#include "store/sqlite/sqlite_store.h"
#include "support/mock_event_log.h"
#include "support/temp_dir.h"

namespace rehook {
namespace {

class BatchWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<SqliteStore>(dir_.path() + "/events.db");
    store_->tenancy().InsertOrganization(Organization{"org_1", "o", 30, 1});
    store_->configuration().InsertSource(Source{"src_1", "org_1", "s", "{}", 1, 1});
  }

  static NewEvent MakeEvent(TimeMs at) {
    auto event = std::make_shared<Event>();
    event->id = NewId("evt", at);
    event->org_id = "org_1";
    event->source_id = "src_1";
    event->received_at = at;
    event->method = "POST";
    event->path = "/";
    event->body = std::string(1024, 'x');
    event->size = 1024;
    return NewEvent{event, {}, std::nullopt};
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(BatchWriterTest, CommitsConcurrentSubmissionsInFewerBatches) {
  BatchWriter writer(store_->events(), BatchWriter::Limits{});
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::atomic<int> committed{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<void>> waits;
      for (int i = 0; i < kPerThread; ++i) {
        auto promise = std::make_shared<std::promise<void>>();
        waits.push_back(promise->get_future());
        writer.Submit(MakeEvent(1000 + t * kPerThread + i),
                      [&, promise](std::exception_ptr error, const std::string&) {
                        (error ? failed : committed)++;
                        promise->set_value();
                      });
      }
      for (auto& wait : waits) wait.wait();
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(committed.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(writer.events_committed(), static_cast<size_t>(kThreads * kPerThread));
  // Group commit: many events share a transaction.
  EXPECT_LT(writer.batches_committed(), writer.events_committed());

  EventQuery query;
  query.org_id = "org_1";
  query.page.limit = 250;
  size_t stored = 0;
  for (;;) {
    auto page = store_->events().ListEvents(query);
    stored += page.items.size();
    if (!page.next) break;
    query.page.after = page.next;
  }
  EXPECT_EQ(stored, static_cast<size_t>(kThreads * kPerThread));
}

TEST_F(BatchWriterTest, ReportsAFailedCommitToTheSubmitter) {
  BatchWriter writer(store_->events(), BatchWriter::Limits{});
  NewEvent event = MakeEvent(5000);
  auto submit = [&](NewEvent e) {
    std::promise<std::exception_ptr> result;
    writer.Submit(std::move(e),
                  [&](std::exception_ptr error, const std::string&) { result.set_value(error); });
    return result.get_future().get();
  };
  EXPECT_EQ(submit(event), nullptr);
  auto misdated = std::make_shared<Event>(*MakeEvent(5001).event);
  misdated->received_at = 6000;  // its id says 5001: the commit fails, and says so
  EXPECT_NE(submit(NewEvent{misdated, {}, std::nullopt}), nullptr);
}

TEST_F(BatchWriterTest, StopCommitsWhatIsQueuedAndRefusesMore) {
  std::atomic<int> committed{0};
  {
    BatchWriter writer(store_->events(), BatchWriter::Limits{});
    for (int i = 0; i < 50; ++i) {
      writer.Submit(MakeEvent(6000 + i), [&](std::exception_ptr error, const std::string&) {
        if (!error) committed++;
      });
    }
    writer.Stop();
    std::exception_ptr late;
    writer.Submit(MakeEvent(7000),
                  [&](std::exception_ptr error, const std::string&) { late = error; });
    EXPECT_NE(late, nullptr);
  }
  EXPECT_EQ(committed.load(), 50);
}

// The durability contract: a capture is acknowledged only after the fsync that covers it, and a
// failed fsync fails every batch it covered.
TEST(BatchWriterSyncTest, CompletesOnlyAfterTheSyncThatCoversTheEvent) {
  ::testing::NiceMock<testing::MockEventLog> store;
  std::mutex mutex;
  std::condition_variable released;
  bool release_sync = false;
  std::atomic<int> syncs_started{0};
  ON_CALL(store, SyncBatches()).WillByDefault([&] {
    syncs_started++;
    std::unique_lock lock(mutex);
    released.wait(lock, [&] { return release_sync; });
  });

  BatchWriter writer(store, BatchWriter::Limits{});
  std::promise<std::exception_ptr> done;
  auto completed = done.get_future();
  auto event = std::make_shared<Event>();
  event->id = "evt_1";
  writer.Submit(NewEvent{event, {}, std::nullopt},
                [&](std::exception_ptr error, const std::string&) { done.set_value(error); });

  while (syncs_started.load() == 0) std::this_thread::yield();
  // Committed, and the sync is under way but has not returned: not acknowledged yet.
  EXPECT_EQ(completed.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  {
    std::lock_guard lock(mutex);
    release_sync = true;
  }
  released.notify_all();
  EXPECT_EQ(completed.get(), nullptr);
}

// A replay lane hands over many records at once: each counts toward max_batch_items, so a
// transaction stops growing once it holds that many (a hand-over is never split).
TEST(BatchWriterSyncTest, EachRecordOfAHandOverCountsTowardTheBatchLimit) {
  ::testing::NiceMock<testing::MockEventLog> store;
  std::mutex mutex;
  std::condition_variable released;
  bool release_first = false;
  std::vector<std::size_t> records_per_batch;
  ON_CALL(store, ApplyBatch(::testing::_)).WillByDefault([&](const WriteBatch& batch) {
    std::unique_lock lock(mutex);
    records_per_batch.push_back(batch.replay_progress.size());
    // The first batch waits, so that the three hand-overs below queue up behind it.
    released.wait(lock, [&] { return release_first; });
    return BatchResult{};
  });
  auto records = [](std::size_t n) { return std::vector<ReplayProgress>(n); };

  BatchWriter writer(store, BatchWriter::Limits{.max_batch_items = 2000});
  std::atomic<int> done{0};
  auto count = [&](std::exception_ptr) { done++; };
  writer.Submit(records(1), count);
  while (true) {
    std::lock_guard lock(mutex);
    if (!records_per_batch.empty()) break;
  }
  writer.Submit(records(1500), count);
  writer.Submit(records(1000), count);
  writer.Submit(records(10), count);
  {
    std::lock_guard lock(mutex);
    release_first = true;
  }
  released.notify_all();
  while (done.load() < 4) std::this_thread::yield();

  std::lock_guard lock(mutex);
  // 1500 is under the limit, so the next hand-over joins it; 2500 is over, so the last waits.
  EXPECT_EQ(records_per_batch, (std::vector<std::size_t>{1, 2500, 10}));
}

// What a reader sees may be committed but not durable yet: WhenDurable waits for the fsync of
// every commit begun before it was called.
TEST(BatchWriterSyncTest, WhenDurableWaitsForTheSyncOfWhatWasCommitted) {
  ::testing::NiceMock<testing::MockEventLog> store;
  std::mutex mutex;
  std::condition_variable released;
  bool release_sync = false;
  std::atomic<int> syncs_started{0};
  ON_CALL(store, SyncBatches()).WillByDefault([&] {
    syncs_started++;
    std::unique_lock lock(mutex);
    released.wait(lock, [&] { return release_sync; });
  });
  BatchWriter writer(store, BatchWriter::Limits{});

  std::promise<void> idle;  // nothing committed yet: at once
  writer.WhenDurable([&] { idle.set_value(); });
  EXPECT_EQ(idle.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);

  writer.Submit(NewEvent{std::make_shared<Event>(), {}, std::nullopt},
                [](std::exception_ptr, const std::string&) {});
  while (syncs_started.load() == 0) std::this_thread::yield();
  std::promise<void> durable;
  auto waiting = durable.get_future();
  writer.WhenDurable([&] { durable.set_value(); });
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  {
    std::lock_guard lock(mutex);
    release_sync = true;
  }
  released.notify_all();
  EXPECT_EQ(waiting.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

TEST(BatchWriterSyncTest, AFailedSyncFailsTheBatch) {
  ::testing::NiceMock<testing::MockEventLog> store;
  ON_CALL(store, SyncBatches()).WillByDefault([] { throw StoreError("fsync failed: EIO"); });
  BatchWriter writer(store, BatchWriter::Limits{});
  std::promise<std::exception_ptr> done;
  writer.Submit(NewEvent{std::make_shared<Event>(), {}, std::nullopt},
                [&](std::exception_ptr error, const std::string&) { done.set_value(error); });
  EXPECT_NE(done.get_future().get(), nullptr);
  EXPECT_EQ(writer.events_committed(), 0u);
}

}  // namespace
}  // namespace rehook
