#include "common/timers.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace rehook {

namespace asio = boost::asio;

asio::awaitable<void> Timer::WaitUntil(TimerSource::TimePoint deadline) {
  source_.Arm(timer_, deadline);
  co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  source_.Disarm(timer_);
}

void ManualTimers::Advance(TimeMs delta) {
  clock_.Advance(delta);
  const TimePoint now = Now();
  std::lock_guard lock(mutex_);
  for (auto& [timer, wait] : waits_) {
    if (wait.ending || wait.deadline > now) continue;
    wait.ending = true;
    asio::post(timer->get_executor(),
               [this, timer = timer, number = wait.number] { EndWait(timer, number); });
  }
}

std::optional<TimeMs> ManualTimers::NextDeadline() const {
  std::lock_guard lock(mutex_);
  std::optional<TimePoint> next;
  for (const auto& [timer, wait] : waits_) {
    if (wait.ending || wait.deadline == TimePoint::max()) continue;
    if (!next || wait.deadline < *next) next = wait.deadline;
  }
  if (!next) return std::nullopt;
  return std::chrono::ceil<std::chrono::milliseconds>(next->time_since_epoch()).count();
}

void ManualTimers::Arm(asio::steady_timer& timer, TimePoint deadline) {
  std::lock_guard lock(mutex_);
  if (deadline <= Now()) {
    waits_.erase(&timer);
    timer.expires_after(std::chrono::steady_clock::duration::zero());  // ends at once
    return;
  }
  timer.expires_at(TimePoint::max());  // only EndWait (or a cancel) ends it
  waits_[&timer] = Wait{deadline, ++next_number_};
}

void ManualTimers::Disarm(asio::steady_timer& timer) {
  std::lock_guard lock(mutex_);
  waits_.erase(&timer);
}

// On the timer's executor, like every other use of the timer: a timer still waiting is alive.
void ManualTimers::EndWait(asio::steady_timer* timer, std::uint64_t number) {
  std::lock_guard lock(mutex_);
  auto found = waits_.find(timer);
  if (found == waits_.end() || found->second.number != number) return;  // over already
  waits_.erase(found);
  timer->cancel();
}

}  // namespace rehook
