#include "delivery/auto_disable.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "common/log.h"

namespace rehook {

namespace asio = boost::asio;

namespace {
constexpr int kPerRound = 100;  // the rest wait for the next round
}

AutoDisable::AutoDisable(asio::io_context& lane, StoreRole<ConfigurationStore> configuration,
                         const Clock& clock, TimerSource& timers, TimeMs interval_ms)
    : lane_io_(lane),
      configuration_(configuration),
      clock_(clock),
      interval_ms_(interval_ms),
      timer_(lane.get_executor(), timers) {}

void AutoDisable::Start() { asio::co_spawn(lane_io_, Loop(), asio::detached); }

void AutoDisable::Stop() {
  asio::post(lane_io_, [this] {
    stopping_ = true;
    timer_.Cancel();
  });
}

asio::awaitable<void> AutoDisable::Loop() {
  while (!stopping_) {
    co_await timer_.WaitFor(std::chrono::milliseconds(interval_ms_));
    if (stopping_) break;
    try {
      co_await SweepOnce();
    } catch (const std::exception& e) {
      log::Warn("destination.auto_disable_failed", {{"error", e.what()}});  // next round
    }
  }
}

asio::awaitable<void> AutoDisable::SweepOnce() {
  const TimeMs now = clock_.Now();
  std::vector<Destination> disabled = co_await configuration_.Run([&](ConfigurationStore& store) {
    std::vector<Destination> mine;
    for (Destination& destination : store.DestinationsFailingTooLong(now, kPerRound)) {
      if (!store.DisableFailingDestination(destination.id, now)) continue;  // another node did
      destination.enabled = false;
      mine.push_back(std::move(destination));
    }
    return mine;
  });
  for (const Destination& destination : disabled) {
    log::Warn("destination.auto_disabled",
              {{"destination_id", destination.id},
               {"org_id", destination.org_id},
               {"failing_since", std::to_string(destination.failing_since.value_or(0))}});
    if (watcher_ != nullptr) watcher_->DestinationDisabled(destination);
  }
}

}  // namespace rehook
