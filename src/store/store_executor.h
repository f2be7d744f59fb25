#pragma once
// Runs blocking store calls on the store's own threads and resumes the calling coroutine on its
// io thread with the result, so io threads never wait on disk. The call uses whichever store
// roles its component was given:
//
//   std::optional<Source> source =
//       co_await executor.Run([&] { return configuration_.GetSource(org, id); });
//
// Exceptions thrown by the call are rethrown in the coroutine.

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <exception>
#include <optional>
#include <type_traits>

#include "common/await_callback.h"

namespace rehook {

class StoreExecutor {
 public:
  explicit StoreExecutor(int threads) : pool_(threads) {}
  ~StoreExecutor() { Stop(); }

  // Waits for queued calls to finish, then joins the threads.
  void Stop() { pool_.join(); }

  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F>> Run(F fn) {
    using Result = std::invoke_result_t<F>;
    if constexpr (std::is_void_v<Result>) {
      co_await Dispatch<bool>([fn = std::move(fn)]() mutable {
        fn();
        return true;
      });
    } else {
      co_return co_await Dispatch<Result>(std::move(fn));
    }
  }

 private:
  template <class Result, class F>
  boost::asio::awaitable<Result> Dispatch(F fn) {
    return AwaitCallback<Result>([this, fn = std::move(fn)](auto complete) mutable {
      boost::asio::post(pool_, [fn = std::move(fn), complete]() mutable {
        std::optional<Result> result;
        std::exception_ptr error;
        try {
          result.emplace(fn());
        } catch (...) {
          error = std::current_exception();
        }
        complete(error, std::move(result));
      });
    });
  }

  boost::asio::thread_pool pool_;
};

// One store role as a component holds it: calls run on the store's threads.
//
//   std::optional<Source> source = co_await configuration.Run(
//       [&](ConfigurationStore& store) { return store.GetSource(org, id); });
template <class Role>
class StoreRole {
 public:
  StoreRole(StoreExecutor& executor, Role& role) : executor_(&executor), role_(&role) {}

  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F, Role&>> Run(F fn) {
    return executor_->Run([role = role_, fn = std::move(fn)]() mutable { return fn(*role); });
  }

  // The role itself, for code already on a store thread.
  Role& role() { return *role_; }

 private:
  StoreExecutor* executor_;
  Role* role_;
};

}  // namespace rehook
