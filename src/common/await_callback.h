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

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <optional>

namespace rehook {

template <class T, class Start>
boost::asio::awaitable<T> AwaitCallback(Start start) {
  namespace asio = boost::asio;
  using Signature = void(std::exception_ptr, std::optional<T>);
  std::optional<T> result =
      co_await asio::async_initiate<const asio::use_awaitable_t<>&, Signature>(
          [](auto handler, Start start) {
            // Tracked: the caller's io_context must not run out of work while we are away.
            auto caller = asio::prefer(asio::get_associated_executor(handler),
                                       asio::execution::outstanding_work.tracked);
            auto shared = std::make_shared<decltype(handler)>(std::move(handler));
            start([shared, caller](std::exception_ptr error, std::optional<T> value) {
              asio::post(caller, [shared, error, value = std::move(value)]() mutable {
                std::move (*shared)(error, std::move(value));
              });
            });
          },
          asio::use_awaitable, std::move(start));
  co_return std::move(*result);
}

}  // namespace rehook
