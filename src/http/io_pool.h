#pragma once
// The io threads: one io_context per thread (no locking inside Asio), one thread per core.
// Connections and background tasks are spread over the contexts round-robin.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rehook {

class IoPool {
 public:
  // threads <= 0 means one per core. Thread i is named "<name>-<i>".
  IoPool(int threads, std::string name);
  ~IoPool();

  std::size_t size() const { return contexts_.size(); }
  boost::asio::io_context& context(std::size_t index) { return *contexts_[index]; }
  // The next context in round-robin order (thread-safe).
  boost::asio::io_context& Next();

  // Starts the threads; each runs its context until Drain/Stop.
  void Start();
  // Lets each context run out of work on its own (graceful shutdown); waits up to `grace` for
  // that, then stops whatever is left. Joins the threads.
  void Drain(std::chrono::milliseconds grace);

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;

  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<WorkGuard> guards_;
  std::string name_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
  std::mutex mutex_;
  std::condition_variable all_done_;
  std::size_t running_ = 0;
};

}  // namespace rehook
