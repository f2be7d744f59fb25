#pragma once
// Runs blocking Store calls on the store's own threads and resumes the calling coroutine on its
// io thread with the result, so io threads never wait on disk:
//
//   std::optional<Source> source =
//       co_await executor.Run([&](Store& store) { return store.GetSource(org, id); });
//
// Exceptions thrown by the call are rethrown in the coroutine.

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <type_traits>

#include "common/await_callback.h"
#include "store/store.h"

namespace rehook {

class StoreExecutor {
 public:
  StoreExecutor(Store& store, int threads) : store_(store), pool_(threads) {}
  ~StoreExecutor() { Stop(); }

  // Waits for queued calls to finish, then joins the threads.
  void Stop() { pool_.join(); }

  Store& store() { return store_; }

  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F, Store&>> Run(F fn) {
    using Result = std::invoke_result_t<F, Store&>;
    if constexpr (std::is_void_v<Result>) {
      co_await Dispatch<bool>([fn = std::move(fn)](Store& store) mutable {
        fn(store);
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
      boost::asio::post(pool_, [this, fn = std::move(fn), complete]() mutable {
        std::optional<Result> result;
        std::exception_ptr error;
        try {
          result.emplace(fn(store_));
        } catch (...) {
          error = std::current_exception();
        }
        complete(error, std::move(result));
      });
    });
  }

  Store& store_;
  boost::asio::thread_pool pool_;
};

}  // namespace rehook
