#include "common/timers.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace rehook {
namespace {

namespace asio = boost::asio;

// Waits on `timer` for `delay` (or until cancelled), then sets `done`. (Parameters, not lambda
// captures: a coroutine must not outlive the closure it reads its captures from.)
asio::awaitable<void> WaitThenMark(Timer& timer, std::chrono::milliseconds delay, bool& done) {
  co_await timer.WaitFor(delay);
  done = true;
}

class ManualTimersTest : public ::testing::Test {
 protected:
  void SpawnWait(Timer& timer, std::chrono::milliseconds delay, bool& done) {
    asio::co_spawn(io_, WaitThenMark(timer, delay, done), asio::detached);
    Poll();
  }
  // Runs what is ready (restarting the io_context should it have run out of work before).
  void Poll() {
    io_.restart();
    io_.poll();
  }

  ManualClock clock_{1'000'000};
  ManualTimers timers_{clock_};
  asio::io_context io_;
};

TEST_F(ManualTimersTest, AWaitEndsOnceTimeReachesItsDeadlineAndNotBefore) {
  Timer timer(io_.get_executor(), timers_);
  bool done = false;
  SpawnWait(timer, std::chrono::milliseconds(1000), done);
  EXPECT_EQ(timers_.NextDeadline(), 1'001'000);

  timers_.Advance(999);
  Poll();
  EXPECT_FALSE(done);
  timers_.Advance(1);
  Poll();
  EXPECT_TRUE(done);
  EXPECT_EQ(timers_.NextDeadline(), std::nullopt);
}

TEST_F(ManualTimersTest, CancelEndsTheWaitUnderWayOnly) {
  Timer timer(io_.get_executor(), timers_);
  bool first = false;
  SpawnWait(timer, std::chrono::hours(1), first);
  timer.Cancel();
  Poll();
  EXPECT_TRUE(first);

  // A later wait on the same timer is not ended by the earlier wait's deadline bookkeeping.
  bool second = false;
  SpawnWait(timer, std::chrono::milliseconds(50), second);
  timers_.Advance(49);
  Poll();
  EXPECT_FALSE(second);
  timers_.Advance(1);
  Poll();
  EXPECT_TRUE(second);
}

TEST_F(ManualTimersTest, AWaitForThePastEndsAtOnce) {
  Timer timer(io_.get_executor(), timers_);
  bool done = false;
  SpawnWait(timer, std::chrono::milliseconds(0), done);
  Poll();
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace rehook
