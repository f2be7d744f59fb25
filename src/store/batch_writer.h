#pragma once
// Group commit for the high-rate writes: captured events (with their delivery tasks), delivery
// outcomes and replay progress. Callers hand an item to Submit(); it is completed once durable. Two
// stages, each on its own thread:
//
//   commit: takes everything queued and applies it in one transaction (EventLog::ApplyBatch);
//   sync:   takes every batch committed so far, makes them durable with one
//           EventLog::SyncBatches() (one fsync), then completes their items.
//
// While one batch is being fsync'd the next is already being inserted (at most one committed
// batch waits for the next fsync), and while either runs new items pile up, so batches grow
// with the load: one item per commit when idle, hundreds under pressure. Nothing is completed
// successfully before its fsync has returned.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "store/roles/event_log.h"
#include "store/roles/store_error.h"

namespace rehook {

class BatchWriter {
 public:
  // Called on a writer thread once the item is durable (error == nullptr) or has failed.
  using Completion = std::function<void(std::exception_ptr error)>;
  // Same for a captured event; `duplicate_of` is "" when it was stored, or the id of the earlier
  // event holding its dedup key (nothing was stored; that event is durable).
  using EventCompletion =
      std::function<void(std::exception_ptr error, const std::string& duplicate_of)>;

  struct Limits {
    std::size_t max_batch_items = 2000;
    std::size_t max_batch_bytes = 32 << 20;
    // End-to-end tests only: each fsync takes this much longer (a slow disk), which widens the
    // window in which a commit is visible but not yet durable.
    std::chrono::milliseconds test_sync_delay{0};
  };

  BatchWriter(EventLog& events, Limits limits);
  // Commits and syncs whatever is queued, then stops the threads.
  ~BatchWriter();

  void Submit(NewEvent item, EventCompletion done);
  void Submit(TaskUpdate item, Completion done);
  // Progress of many deliveries at once (a replay lane's recent deliveries): committed together,
  // so that what they change of each job's rows and index pages is written once per batch.
  void Submit(std::vector<ReplayProgress> items, Completion done);
  void Submit(DeliveryAttempt item, Completion done);  // an attempt outside a task or job

  // Runs `done` (on a writer thread, or at once on the caller's) when every batch whose commit
  // has begun by now is durable or has failed. A reader that acts on what it found in the store
  // (the forwarder's poller sending the tasks it claimed) waits for this first: SQLite makes a
  // commit visible to readers before its fsync, and what is sent must never be something a power
  // cut could take back.
  void WhenDurable(std::function<void()> done);

  // Runs `listener` on the sync thread after each fsync that made new events durable (live
  // streams read them then). It must be quick. Thread-safe; replaces the previous one.
  void OnDurable(std::function<void()> listener);

  // Commits and syncs everything queued, then stops accepting work (Submit fails its
  // completion). Idempotent.
  void Stop();

  // Durable batches and events so far, and fsyncs issued (for metrics and benchmarks).
  std::size_t batches_committed() const;
  std::size_t events_committed() const;
  std::size_t syncs() const;

 private:
  struct Pending {
    std::variant<NewEvent, TaskUpdate, std::vector<ReplayProgress>, DeliveryAttempt> item;
    Completion done;             // task updates and replay progress
    EventCompletion event_done;  // events
  };
  // Whom to tell once a committed item is durable (or failed).
  struct Waiter {
    Completion done;
    EventCompletion event_done;
    std::string duplicate_of;  // events: what ApplyBatch found for the event's dedup key
    void operator()(std::exception_ptr error) const {
      if (event_done) {
        event_done(error, duplicate_of);
      } else {
        done(error);
      }
    }
  };
  // A committed batch waiting for its fsync.
  struct Committed {
    std::vector<Waiter> waiters;
    std::size_t events = 0;
    std::uint64_t sequence = 0;  // the commit's place in commits_begun_
    bool failed = false;         // rolled back: waits for its turn only, to settle in order
  };
  // Settles `sequence` and everything before it for WhenDurable; runs the waiters it frees.
  void Settle(std::uint64_t sequence);

  void Enqueue(Pending pending);
  void RunCommits();
  void RunSyncs();
  // Moves queued work into `batch`, up to the limits; false when stopping and nothing is left.
  bool TakeBatch(std::vector<Pending>& batch);

  EventLog& events_;
  Limits limits_;
  mutable std::mutex mutex_;
  std::condition_variable commit_wake_;
  std::condition_variable sync_wake_;
  std::vector<Pending> queue_;
  std::vector<Committed> committed_;
  bool stopping_ = false;
  bool commits_done_ = false;
  std::size_t batches_committed_ = 0;
  std::size_t events_committed_ = 0;
  std::size_t syncs_ = 0;
  // Commits begun so far, and the last one durable (or failed) with all before it; WhenDurable's
  // callbacks wait for their commit number.
  std::uint64_t commits_begun_ = 0;
  std::uint64_t commits_settled_ = 0;
  std::vector<std::pair<std::uint64_t, std::function<void()>>> durable_waiters_;
  std::function<void()> durable_listener_;
  std::thread commit_thread_;
  std::thread sync_thread_;
};

}  // namespace rehook
