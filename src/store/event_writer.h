#pragma once
// Group commit for captured events. Capture requests hand their event to Submit(); the request
// is completed once the event is durable. Two stages, each on its own thread:
//
//   commit: takes everything queued and appends it in one transaction (Store::AppendEvents);
//   sync:   takes every batch committed so far, makes them durable with one
//           Store::SyncAppends() (one fsync), then completes their requests.
//
// While one batch is being fsync'd the next is already being inserted (at most one committed
// batch waits for the next fsync), and while either runs new events pile up, so batches grow
// with the load: one event per commit when idle, hundreds under pressure. Nothing is completed
// successfully before its fsync has returned.

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
  // Called on a writer thread once the event is durable (error == nullptr) or has failed.
  using Completion = std::function<void(std::exception_ptr error)>;

  struct Limits {
    std::size_t max_batch_events = 2000;
    std::size_t max_batch_bytes = 32 << 20;
  };

  EventWriter(Store& store, Limits limits);
  // Commits and syncs whatever is queued, then stops the threads.
  ~EventWriter();

  void Submit(Event event, Completion done);

  // Commits and syncs everything queued, then stops accepting work (Submit fails its
  // completion). Idempotent.
  void Stop();

  // Durable batches and events so far, and fsyncs issued (for metrics and benchmarks).
  std::size_t batches_committed() const;
  std::size_t events_committed() const;
  std::size_t syncs() const;

 private:
  struct Pending {
    Event event;
    Completion done;
  };
  // A committed batch waiting for its fsync.
  struct Committed {
    std::vector<Completion> completions;
  };

  void RunCommits();
  void RunSyncs();
  // Moves queued work into `batch`, up to the limits; false when stopping and nothing is left.
  bool TakeBatch(std::vector<Pending>& batch);

  Store& store_;
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
  std::thread commit_thread_;
  std::thread sync_thread_;
};

}  // namespace rehook
