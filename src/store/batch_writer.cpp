#include "store/batch_writer.h"

#include "common/log.h"
#include "common/thread_name.h"

namespace rehook {

BatchWriter::BatchWriter(Store& store, Limits limits)
    : store_(store),
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

void BatchWriter::Submit(ReplayProgress item, Completion done) {
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

bool BatchWriter::TakeBatch(std::vector<Pending>& batch) {
  std::unique_lock lock(mutex_);
  // At most one committed batch waits for the next fsync: committing more often would only make
  // batches smaller (more transactions for the same events) without making anything durable
  // sooner, so events keep queueing until the sync thread takes the waiting batch.
  commit_wake_.wait(
      lock, [this] { return (stopping_ || !queue_.empty()) && (committed_.empty() || stopping_); });
  if (queue_.empty()) return false;  // stopping, and nothing left to commit

  std::size_t count = 0;
  std::size_t bytes = 0;
  while (count < queue_.size() && count < limits_.max_batch_items) {
    if (const auto* event = std::get_if<NewEvent>(&queue_[count].item)) {
      bytes += event->event->body.size();
    }
    ++count;
    if (bytes >= limits_.max_batch_bytes) break;
  }
  batch.assign(std::make_move_iterator(queue_.begin()),
               std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(count)));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
  return true;
}

void BatchWriter::RunCommits() {
  std::vector<Pending> batch;
  while (TakeBatch(batch)) {
    WriteBatch writes;
    Committed committed;
    committed.waiters.reserve(batch.size());
    std::vector<std::size_t> event_waiters;  // parallel to writes.events
    for (auto& pending : batch) {
      if (auto* event = std::get_if<NewEvent>(&pending.item)) {
        writes.events.push_back(std::move(*event));
        event_waiters.push_back(committed.waiters.size());
      } else if (auto* update = std::get_if<TaskUpdate>(&pending.item)) {
        writes.task_updates.push_back(std::move(*update));
      } else {
        writes.replay_progress.push_back(std::move(std::get<ReplayProgress>(pending.item)));
      }
      committed.waiters.push_back(
          Waiter{std::move(pending.done), std::move(pending.event_done), {}});
    }
    committed.events = writes.events.size();
    batch.clear();

    try {
      BatchResult result = store_.ApplyBatch(writes);
      for (std::size_t i = 0; i < result.duplicate_of.size() && i < event_waiters.size(); ++i) {
        committed.waiters[event_waiters[i]].duplicate_of = std::move(result.duplicate_of[i]);
      }
    } catch (const std::exception& e) {
      log::Error("store.batch_failed", {{"items", committed.waiters.size()}, {"error", e.what()}});
      auto error = std::current_exception();
      for (const Waiter& waiter : committed.waiters) waiter(error);
      continue;
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
      if (committed_.empty()) return;  // the commit thread is done and everything is synced
      batches.swap(committed_);
      commit_wake_.notify_one();
    }
    std::exception_ptr error;
    try {
      store_.SyncBatches();  // covers every batch taken above: all were committed before it
    } catch (const std::exception& e) {
      log::Error("store.sync_failed", {{"batches", batches.size()}, {"error", e.what()}});
      error = std::current_exception();
    }
    std::size_t events = 0;
    for (const auto& batch : batches) events += batch.events;
    {
      std::lock_guard lock(mutex_);
      ++syncs_;
      if (!error) {
        batches_committed_ += batches.size();
        events_committed_ += events;
      }
    }
    for (const auto& batch : batches) {
      for (const Waiter& waiter : batch.waiters) waiter(error);
    }
    batches.clear();
  }
}

}  // namespace rehook
