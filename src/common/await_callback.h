#pragma once
// Bridges callback-style work done on other threads (the store's threads, the group-commit
// writer) into coroutines: the awaiting coroutine resumes on its own io thread with the result.
//
//   int n = co_await AwaitCallback<int>([](auto complete) {
//     std::thread([complete] { complete(nullptr, 42); }).detach();
//   });
//
// `start` receives `complete(std::exception_ptr error, std::optional<T> value)`, which must be
// called exactly once, from any thread; a non-null error is rethrown in the coroutine.
// `complete` holds a single pointer, so a std::function holding it does not allocate.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <optional>
#include <utility>

#include "common/resume_queue.h"

namespace rehook {
namespace await_callback_detail {

using TrackedIoExecutor =
    decltype(boost::asio::prefer(std::declval<boost::asio::io_context::executor_type>(),
                                 boost::asio::execution::outstanding_work.tracked));

// The awaiting coroutine's completion handler and, once the work is done, its result.
template <class T, class Handler>
class Pending final : public ResumeQueue::Node {
 public:
  Pending(Handler handler, boost::asio::any_io_executor caller)
      : handler_(std::move(handler)), caller_(std::move(caller)) {
    // Coroutines on an io_context (all of rehook's) resume through its queue, in bursts; any
    // other executor gets one posted handler per completion.
    if (auto* io = caller_.template target<TrackedIoExecutor>()) {
      queue_ = &ResumeQueue::Of(io->context());
    }
  }

  void Complete(std::exception_ptr error, std::optional<T> value) {
    error_ = std::move(error);
    value_ = std::move(value);
    if (queue_) {
      queue_->Push(this);
    } else {
      boost::asio::post(caller_, [this] { Resume(); });
    }
  }

  void Resume() override {
    Handler handler = std::move(handler_);
    std::exception_ptr error = std::move(error_);
    std::optional<T> value = std::move(value_);
    delete this;
    std::move(handler)(error, std::move(value));
  }

 private:
  Handler handler_;
  // Tracked: the caller's io_context must not run out of work while we are away.
  boost::asio::any_io_executor caller_;
  ResumeQueue* queue_ = nullptr;
  std::exception_ptr error_;
  std::optional<T> value_;
};

}  // namespace await_callback_detail

template <class T, class Start>
boost::asio::awaitable<T> AwaitCallback(Start start) {
  namespace asio = boost::asio;
  using Signature = void(std::exception_ptr, std::optional<T>);
  std::optional<T> result =
      co_await asio::async_initiate<const asio::use_awaitable_t<>&, Signature>(
          [](auto handler, Start start) {
            using Handler = decltype(handler);
            auto caller = asio::prefer(asio::get_associated_executor(handler),
                                       asio::execution::outstanding_work.tracked);
            auto* pending =
                new await_callback_detail::Pending<T, Handler>(std::move(handler), caller);
            start([pending](std::exception_ptr error, std::optional<T> value) {
              pending->Complete(std::move(error), std::move(value));
            });
          },
          asio::use_awaitable, std::move(start));
  co_return std::move(*result);
}

}  // namespace rehook
