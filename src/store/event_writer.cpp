#include "store/event_writer.h"

#include <stdexcept>

#include "common/log.h"

namespace rehook {

EventWriter::EventWriter(Store& store, Limits limits)
    : store_(store), limits_(limits), thread_([this] { Run(); }) {}

EventWriter::~EventWriter() { Stop(); }

void EventWriter::Submit(Event event, Completion done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(event), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(std::make_exception_ptr(StoreError("the event writer is shutting down")));
}

void EventWriter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

std::size_t EventWriter::batches_committed() const {
  std::lock_guard lock(mutex_);
  return batches_committed_;
}

std::size_t EventWriter::events_committed() const {
  std::lock_guard lock(mutex_);
  return events_committed_;
}

bool EventWriter::TakeBatch(std::vector<Pending>& batch) {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
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

void EventWriter::Run() {
  std::vector<Pending> batch;
  std::vector<Event> events;
  while (TakeBatch(batch)) {
    events.clear();
    events.reserve(batch.size());
    for (auto& pending : batch) events.push_back(std::move(pending.event));

    std::exception_ptr error;
    try {
      store_.AppendEvents(events);
    } catch (const std::exception& e) {
      log::Error("capture.commit_failed", {{"events", batch.size()}, {"error", e.what()}});
      error = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      if (!error) {
        ++batches_committed_;
        events_committed_ += batch.size();
      }
    }
    for (auto& pending : batch) pending.done(error);
    batch.clear();
  }
}

}  // namespace rehook
