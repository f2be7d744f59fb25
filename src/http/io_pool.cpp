#include "http/io_pool.h"

#include "common/log.h"
#include "common/thread_name.h"

namespace rehook {

IoPool::IoPool(int threads, std::string name) : name_(std::move(name)) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) {
    // Concurrency hint 1: each context is only ever run by its own thread.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
  }
}

IoPool::~IoPool() { Drain(std::chrono::milliseconds(0)); }

boost::asio::io_context& IoPool::Next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

void IoPool::Start() {
  running_ = contexts_.size();
  for (auto& context : contexts_) {
    guards_.push_back(boost::asio::make_work_guard(*context));
    threads_.emplace_back([this, ctx = context.get()] {
      try {
        ctx->run();
      } catch (const std::exception& e) {
        log::Error("io.thread_failed", {{"error", e.what()}});
      }
      std::lock_guard lock(mutex_);
      --running_;
      all_done_.notify_all();
    });
    NameThread(threads_.back(), name_ + "-" + std::to_string(threads_.size() - 1));
  }
}

void IoPool::Drain(std::chrono::milliseconds grace) {
  guards_.clear();
  {
    std::unique_lock lock(mutex_);
    all_done_.wait_for(lock, grace, [this] { return running_ == 0; });
  }
  for (auto& context : contexts_) context->stop();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

}  // namespace rehook
