#include "store/event_writer.h"

#include "common/log.h"

namespace rehook {

EventWriter::EventWriter(Store& store, Limits limits)
    : store_(store),
      limits_(limits),
      commit_thread_([this] { RunCommits(); }),
      sync_thread_([this] { RunSyncs(); }) {}

EventWriter::~EventWriter() { Stop(); }

void EventWriter::Submit(Event event, Completion done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(event), std::move(done)});
      commit_wake_.notify_one();
      return;
    }
  }
  done(std::make_exception_ptr(StoreError("the event writer is shutting down")));
}

void EventWriter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    commit_wake_.notify_one();
  }
  if (commit_thread_.joinable()) commit_thread_.join();
  if (sync_thread_.joinable()) sync_thread_.join();
}

std::size_t EventWriter::batches_committed() const {
  std::lock_guard lock(mutex_);
  return batches_committed_;
}

std::size_t EventWriter::events_committed() const {
  std::lock_guard lock(mutex_);
  return events_committed_;
}

std::size_t EventWriter::syncs() const {
  std::lock_guard lock(mutex_);
  return syncs_;
}

bool EventWriter::TakeBatch(std::vector<Pending>& batch) {
  std::unique_lock lock(mutex_);
  // At most one committed batch waits for the next fsync: committing more often would only make
  // batches smaller (more transactions for the same events) without making anything durable
  // sooner, so events keep queueing until the sync thread takes the waiting batch.
  commit_wake_.wait(
      lock, [this] { return (stopping_ || !queue_.empty()) && (committed_.empty() || stopping_); });
  if (queue_.empty()) return false;  // stopping, and nothing left to commit

  std::size_t count = 0;
  std::size_t bytes = 0;
  while (count < queue_.size() && count < limits_.max_batch_events) {
    bytes += queue_[count].event.body.size();
    ++count;
    if (bytes >= limits_.max_batch_bytes) break;
  }
  batch.assign(std::make_move_iterator(queue_.begin()),
               std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(count)));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
  return true;
}

void EventWriter::RunCommits() {
  std::vector<Pending> batch;
  std::vector<Event> events;
  while (TakeBatch(batch)) {
    events.clear();
    events.reserve(batch.size());
    for (auto& pending : batch) events.push_back(std::move(pending.event));

    Committed committed;
    committed.completions.reserve(batch.size());
    for (auto& pending : batch) committed.completions.push_back(std::move(pending.done));
    batch.clear();

    try {
      store_.AppendEvents(events);
    } catch (const std::exception& e) {
      log::Error("capture.commit_failed", {{"events", events.size()}, {"error", e.what()}});
      auto error = std::current_exception();
      for (auto& done : committed.completions) done(error);
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

void EventWriter::RunSyncs() {
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
      store_.SyncAppends();  // covers every batch taken above: all were committed before it
    } catch (const std::exception& e) {
      log::Error("capture.sync_failed", {{"batches", batches.size()}, {"error", e.what()}});
      error = std::current_exception();
    }
    std::size_t events = 0;
    for (const auto& batch : batches) events += batch.completions.size();
    {
      std::lock_guard lock(mutex_);
      ++syncs_;
      if (!error) {
        batches_committed_ += batches.size();
        events_committed_ += events;
      }
    }
    for (auto& batch : batches) {
      for (auto& done : batch.completions) done(error);
    }
    batches.clear();
  }
}

}  // namespace rehook
