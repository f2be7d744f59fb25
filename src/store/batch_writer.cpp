#include "store/batch_writer.h"

#include <algorithm>
#include <iterator>
#include <limits>

#include "common/log.h"
#include "common/thread_name.h"

namespace rehook {

BatchWriter::BatchWriter(EventLog& events, Limits limits)
    : events_(events),
      limits_(limits),
      commit_thread_([this] { RunCommits(); }),
      sync_thread_([this] { RunSyncs(); }) {
  NameThread(commit_thread_, "rehook-commit");
  NameThread(sync_thread_, "rehook-fsync");
}

BatchWriter::~BatchWriter() { Stop(); }

void BatchWriter::Submit(NewEvent item, EventCompletion done) {
  Enqueue(Pending{std::move(item), nullptr, std::move(done)});
}

void BatchWriter::Submit(TaskUpdate item, Completion done) {
  Enqueue(Pending{std::move(item), std::move(done), nullptr});
}

void BatchWriter::Submit(std::vector<ReplayProgress> items, Completion done) {
  Enqueue(Pending{std::move(items), std::move(done), nullptr});
}

void BatchWriter::Submit(DeliveryAttempt item, Completion done) {
  Enqueue(Pending{std::move(item), std::move(done), nullptr});
}

void BatchWriter::Enqueue(Pending pending) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(pending));
      // Wake the commit thread only when this item is what it waits for: while a committed
      // batch waits for its fsync it cannot start another, and waking it for each item that
      // arrives meanwhile cost a futex call here and a context switch there, per capture.
      if (queue_.size() == 1 && committed_.empty()) commit_wake_.notify_one();
      return;
    }
  }
  Waiter{std::move(pending.done), std::move(pending.event_done), {}}(
      std::make_exception_ptr(StoreError("the batch writer is shutting down")));
}

void BatchWriter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    commit_wake_.notify_one();
  }
  if (commit_thread_.joinable()) commit_thread_.join();
  if (sync_thread_.joinable()) sync_thread_.join();
}

std::size_t BatchWriter::batches_committed() const {
  std::lock_guard lock(mutex_);
  return batches_committed_;
}

std::size_t BatchWriter::events_committed() const {
  std::lock_guard lock(mutex_);
  return events_committed_;
}

std::size_t BatchWriter::syncs() const {
  std::lock_guard lock(mutex_);
  return syncs_;
}

void BatchWriter::WhenDurable(std::function<void()> done) {
  {
    std::lock_guard lock(mutex_);
    if (commits_settled_ < commits_begun_) {
      durable_waiters_.emplace_back(commits_begun_, std::move(done));
      return;
    }
  }
  done();
}

void BatchWriter::Settle(std::uint64_t sequence) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mutex_);
    commits_settled_ = std::max(commits_settled_, sequence);
    auto freed = std::stable_partition(
        durable_waiters_.begin(), durable_waiters_.end(),
        [this](const auto& waiter) { return waiter.first > commits_settled_; });
    for (auto it = freed; it != durable_waiters_.end(); ++it)
      ready.push_back(std::move(it->second));
    durable_waiters_.erase(freed, durable_waiters_.end());
  }
  for (auto& done : ready) done();
}

bool BatchWriter::TakeBatch(std::vector<Pending>& batch) {
  std::unique_lock lock(mutex_);
  // At most one committed batch waits for the next fsync: committing more often would only make
  // batches smaller (more transactions for the same events) without making anything durable
  // sooner, so events keep queueing until the sync thread takes the waiting batch.
  commit_wake_.wait(
      lock, [this] { return (stopping_ || !queue_.empty()) && (committed_.empty() || stopping_); });
  if (queue_.empty()) return false;  // stopping, and nothing left to commit

  std::size_t count = 0;  // queued entries taken
  std::size_t items = 0;  // what they hold: a replay lane's hand-over counts each of its records
  std::size_t bytes = 0;
  while (count < queue_.size() && items < limits_.max_batch_items) {
    const auto& item = queue_[count].item;
    if (const auto* event = std::get_if<NewEvent>(&item)) {
      bytes += event->event->body.size();
    }
    const auto* many = std::get_if<std::vector<ReplayProgress>>(&item);
    items += many ? many->size() : 1;
    ++count;
    if (bytes >= limits_.max_batch_bytes) break;
  }
  batch.assign(std::make_move_iterator(queue_.begin()),
               std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(count)));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
  ++commits_begun_;  // before the commit can become visible to any reader
  return true;
}

void BatchWriter::RunCommits() {
  std::vector<Pending> batch;
  while (TakeBatch(batch)) {
    WriteBatch writes;
    Committed committed;
    {
      std::lock_guard lock(mutex_);
      committed.sequence = commits_begun_;  // only this thread advances it
    }
    committed.waiters.reserve(batch.size());
    std::vector<std::size_t> event_waiters;  // parallel to writes.events
    for (auto& pending : batch) {
      if (auto* event = std::get_if<NewEvent>(&pending.item)) {
        writes.events.push_back(std::move(*event));
        event_waiters.push_back(committed.waiters.size());
      } else if (auto* update = std::get_if<TaskUpdate>(&pending.item)) {
        writes.task_updates.push_back(std::move(*update));
      } else if (auto* many = std::get_if<std::vector<ReplayProgress>>(&pending.item)) {
        std::move(many->begin(), many->end(), std::back_inserter(writes.replay_progress));
      } else {
        writes.attempts.push_back(std::move(std::get<DeliveryAttempt>(pending.item)));
      }
      committed.waiters.push_back(
          Waiter{std::move(pending.done), std::move(pending.event_done), {}});
    }
    committed.events = writes.events.size();
    batch.clear();

    try {
      BatchResult result = events_.ApplyBatch(writes);
      for (std::size_t i = 0; i < result.duplicate_of.size() && i < event_waiters.size(); ++i) {
        committed.waiters[event_waiters[i]].duplicate_of = std::move(result.duplicate_of[i]);
      }
    } catch (const std::exception& e) {
      log::Error("store.batch_failed", {{"items", committed.waiters.size()}, {"error", e.what()}});
      auto error = std::current_exception();
      for (const Waiter& waiter : committed.waiters) waiter(error);
      // Nothing of it is visible, but it is settled only in turn, after the batches before it.
      committed.waiters.clear();
      committed.events = 0;
      committed.failed = true;
    }
    std::lock_guard lock(mutex_);
    committed_.push_back(std::move(committed));
    sync_wake_.notify_one();
  }
  std::lock_guard lock(mutex_);
  commits_done_ = true;
  sync_wake_.notify_one();
}

void BatchWriter::RunSyncs() {
  std::vector<Committed> batches;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      sync_wake_.wait(lock, [this] { return commits_done_ || !committed_.empty(); });
      if (committed_.empty()) {
        // The commit thread is done and everything is synced: nobody is left to wait for.
        lock.unlock();
        Settle(std::numeric_limits<std::uint64_t>::max());
        return;
      }
      batches.swap(committed_);
      commit_wake_.notify_one();
    }
    std::exception_ptr error;
    if (limits_.test_sync_delay.count() > 0) std::this_thread::sleep_for(limits_.test_sync_delay);
    try {
      events_.SyncBatches();  // covers every batch taken above: all were committed before it
    } catch (const std::exception& e) {
      log::Error("store.sync_failed", {{"batches", batches.size()}, {"error", e.what()}});
      error = std::current_exception();
    }
    std::size_t events = 0;
    std::size_t durable = 0;
    for (const auto& batch : batches) {
      events += batch.events;
      if (!batch.failed) ++durable;
    }
    {
      std::lock_guard lock(mutex_);
      ++syncs_;
      if (!error) {
        batches_committed_ += durable;
        events_committed_ += events;
      }
    }
    for (const auto& batch : batches) {
      for (const Waiter& waiter : batch.waiters) waiter(error);
    }
    // Not after a failed fsync: what it covered may be lost, and must not be sent. (A failed
    // fsync is sticky, so delivery then waits until the process is restarted: Stop settles.)
    if (!error) Settle(batches.back().sequence);
    if (!error && events > 0) {
      std::function<void()> listener;
      {
        std::lock_guard lock(mutex_);
        listener = durable_listener_;
      }
      if (listener) listener();
    }
    batches.clear();
  }
}

void BatchWriter::OnDurable(std::function<void()> listener) {
  std::lock_guard lock(mutex_);
  durable_listener_ = std::move(listener);
}

}  // namespace rehook
