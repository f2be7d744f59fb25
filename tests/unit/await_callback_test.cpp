// Coroutines awaiting work finished on other threads: each resumes on its own executor with its
// own result, in the order the work finished, and a burst of completions costs one handler.
#include "common/await_callback.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rehook {
namespace {

namespace asio = boost::asio;
using Complete = std::function<void(std::exception_ptr, std::optional<int>)>;

struct Outcome {
  int index = -1;
  std::string result;
  std::thread::id thread;
};

// Starts `count` coroutines on `io`, each awaiting a callback whose `complete` lands in
// `completions[i]`; each records what it got in `outcomes` when it resumes.
void StartWaiters(asio::io_context& io, int count, std::vector<Complete>& completions,
                  std::vector<Outcome>& outcomes) {
  completions.resize(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          Outcome outcome{i, "", {}};
          try {
            int value = co_await AwaitCallback<int>(
                [&, i](auto complete) { completions[static_cast<std::size_t>(i)] = complete; });
            outcome.result = std::to_string(value);
          } catch (const std::exception& e) {
            outcome.result = e.what();
          }
          outcome.thread = std::this_thread::get_id();
          outcomes.push_back(outcome);
        },
        asio::detached);
  }
  io.poll();  // every coroutine runs up to its co_await
  io.restart();
}

TEST(AwaitCallbackTest, EachCoroutineResumesOnItsThreadWithItsResultInTheOrderWorkFinished) {
  asio::io_context io;
  std::vector<Complete> completions;
  std::vector<Outcome> outcomes;
  StartWaiters(io, 6, completions, outcomes);
  ASSERT_TRUE(outcomes.empty());

  std::thread worker([&] {
    for (int i = 5; i >= 0; --i) {
      if (i == 2) {
        completions[2](std::make_exception_ptr(std::runtime_error("disk full")), std::nullopt);
      } else {
        completions[static_cast<std::size_t>(i)](nullptr, i * 10);
      }
    }
  });
  worker.join();
  io.run();

  ASSERT_EQ(outcomes.size(), 6u);
  const std::vector<std::string> expected = {"50", "40", "30", "disk full", "10", "0"};
  for (std::size_t k = 0; k < outcomes.size(); ++k) {
    EXPECT_EQ(outcomes[k].index, 5 - static_cast<int>(k));
    EXPECT_EQ(outcomes[k].result, expected[k]);
    EXPECT_EQ(outcomes[k].thread, std::this_thread::get_id());
  }
}

TEST(AwaitCallbackTest, ABurstOfCompletionsIsResumedThroughOneHandler) {
  asio::io_context io;
  std::vector<Complete> completions;
  std::vector<Outcome> outcomes;
  StartWaiters(io, 50, completions, outcomes);

  std::thread worker([&] {
    for (int i = 0; i < 50; ++i) completions[static_cast<std::size_t>(i)](nullptr, i);
  });
  worker.join();
  const std::size_t handlers = io.run();

  ASSERT_EQ(outcomes.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(outcomes[static_cast<std::size_t>(i)].index, i);
  EXPECT_EQ(handlers, 1u);
}

TEST(AwaitCallbackTest, ACoroutineOnAnotherKindOfExecutorResumesOnIt) {
  asio::thread_pool pool(1);
  std::promise<std::string> got;
  asio::co_spawn(
      pool,
      [&]() -> asio::awaitable<void> {
        int value = co_await AwaitCallback<int>(
            [](auto complete) { std::thread([complete] { complete(nullptr, 7); }).detach(); });
        got.set_value(std::to_string(value));
      },
      asio::detached);
  auto result = got.get_future();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(result.get(), "7");
  pool.join();
}

}  // namespace
}  // namespace rehook
