#include "common/resume_queue.h"

#include <boost/asio/post.hpp>

namespace rehook {

boost::asio::execution_context::id ResumeQueue::id;

ResumeQueue::ResumeQueue(boost::asio::io_context& context)
    : boost::asio::execution_context::service(context), context_(context) {}

ResumeQueue& ResumeQueue::Of(boost::asio::io_context& context) {
  return boost::asio::use_service<ResumeQueue>(context);
}

void ResumeQueue::Push(Node* node) {
  {
    std::lock_guard lock(mutex_);
    node->next = newest_;
    newest_ = node;
    if (drain_posted_) return;
    drain_posted_ = true;
  }
  boost::asio::post(context_, [this] { Drain(); });
}

namespace {

ResumeQueue::Node* OldestFirst(ResumeQueue::Node* newest) {
  ResumeQueue::Node* oldest = nullptr;
  while (newest) {
    ResumeQueue::Node* next = newest->next;
    newest->next = oldest;
    oldest = newest;
    newest = next;
  }
  return oldest;
}

}  // namespace

void ResumeQueue::Drain() {
  Node* node;
  {
    std::lock_guard lock(mutex_);
    node = OldestFirst(newest_);
    newest_ = nullptr;
    drain_posted_ = false;
  }
  while (node) {
    Node* next = node->next;
    try {
      node->Resume();
    } catch (...) {
      // Whatever escapes a resumed coroutine leaves io_context::run(), as a posted handler's
      // exception would; the rest of the burst stays queued for the next run.
      while (next) {
        Node* after = next->next;
        Push(next);
        next = after;
      }
      throw;
    }
    node = next;
  }
}

void ResumeQueue::shutdown() {
  std::lock_guard lock(mutex_);
  while (newest_) {
    Node* next = newest_->next;
    delete newest_;
    newest_ = next;
  }
}

}  // namespace rehook
