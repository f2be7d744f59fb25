#pragma once
// Group commit for captured events. Capture requests hand their event to Submit(); one writer
// thread takes everything queued, appends it in a single transaction (one fsync for the whole
// batch) and then completes each request. While a commit is in flight new events pile up, so the
// batch size adapts to the load: one event per commit when idle, hundreds under pressure.

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.h"

namespace rehook {

class EventWriter {
 public:
  // Called on the writer thread once the event is durable (error == nullptr) or has failed.
  using Completion = std::function<void(std::exception_ptr error)>;

  struct Limits {
    std::size_t max_batch_events = 2000;
    std::size_t max_batch_bytes = 32 << 20;
  };

  EventWriter(Store& store, Limits limits);
  // Commits whatever is queued, then stops the thread.
  ~EventWriter();

  void Submit(Event event, Completion done);

  // Commits everything queued, then stops accepting work (Submit fails its completion).
  void Stop();

  // Batches committed so far and events in them (for metrics and the group-commit benchmark).
  std::size_t batches_committed() const;
  std::size_t events_committed() const;

 private:
  struct Pending {
    Event event;
    Completion done;
  };

  void Run();
  // Moves queued work into `batch`, up to the limits; returns false when stopping and idle.
  bool TakeBatch(std::vector<Pending>& batch);

  Store& store_;
  Limits limits_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;
  bool stopping_ = false;
  std::size_t batches_committed_ = 0;
  std::size_t events_committed_ = 0;
  std::thread thread_;
};

}  // namespace rehook
