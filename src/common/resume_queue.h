#pragma once
// Resumes, in bursts, coroutines whose work finished on another thread. The group commit's
// fsync thread completes ~70 captures at once: posting each to its io_context took the
// context's lock, allocated a handler and could wake the thread, per capture. Instead each
// finished piece of work is linked into the queue of the io_context it resumes on, and only
// the first of a burst posts a drain, which resumes them all in the order they finished.
//
// One queue per io_context, created on first use (an Asio service): ResumeQueue::Of(context).

#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>

#include <mutex>

namespace rehook {

class ResumeQueue : public boost::asio::execution_context::service {
 public:
  // Work to resume. Resume() runs on the queue's io_context thread, once, and may delete the
  // node; a node still queued when the io_context shuts down is deleted unresumed.
  struct Node {
    virtual ~Node() = default;
    virtual void Resume() = 0;
    Node* next = nullptr;
  };

  static boost::asio::execution_context::id id;

  explicit ResumeQueue(boost::asio::io_context& context);
  static ResumeQueue& Of(boost::asio::io_context& context);

  // Thread-safe.
  void Push(Node* node);

 private:
  void Drain();
  void shutdown() override;

  boost::asio::io_context& context_;
  std::mutex mutex_;
  Node* newest_ = nullptr;  // a list from the newest node back to the oldest
  bool drain_posted_ = false;
};

}  // namespace rehook
