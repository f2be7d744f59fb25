#include "notify/insight_notifier.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "common/log.h"
#include "notify/insight_messages.h"

namespace rehook {

namespace asio = boost::asio;

InsightNotifier::InsightNotifier(asio::io_context& io, Notifier& notifier,
                                 StoreRole<ConfigurationStore> configuration, const Clock& clock)
    : io_(io), notifier_(notifier), configuration_(configuration), clock_(clock) {}

void InsightNotifier::CircuitChanged(const std::string& destination_id, CircuitState to,
                                     int failures) {
  if (to == CircuitState::half_open) return;  // not a change anyone is told of
  {
    std::lock_guard lock(mutex_);
    auto [told, first] = told_circuit_.try_emplace(destination_id, to);
    if (!first && told->second == to) return;
    told->second = to;
  }
  asio::co_spawn(io_, TellCircuit(destination_id, to == CircuitState::open, failures, clock_.Now()),
                 asio::detached);
}

asio::awaitable<void> InsightNotifier::TellCircuit(std::string destination_id, bool opened,
                                                   int failures, TimeMs at) {
  try {
    std::optional<Destination> destination = co_await configuration_.Run(
        [&](ConfigurationStore& store) { return store.FindDestination(destination_id); });
    if (!destination) co_return;  // deleted meanwhile: nobody to tell about it
    notifier_.Notify(CircuitNotification(*destination, opened, failures, at));
  } catch (const std::exception& e) {
    log::Error("notification.failed", {{"destination_id", destination_id}, {"error", e.what()}});
  }
}

void InsightNotifier::DeliveryExhausted(const DeliveryAttempt& attempt,
                                        const Destination& destination) {
  {
    std::lock_guard lock(mutex_);
    TimeMs& last = last_exhausted_[destination.id];
    if (last != 0 && attempt.created_at - last < kExhaustedQuietMs) return;
    last = attempt.created_at;
  }
  notifier_.Notify(ExhaustedNotification(attempt, destination));
}

void InsightNotifier::DestinationDisabled(const Destination& destination) {
  notifier_.Notify(DisabledNotification(destination, clock_.Now()));
}

void InsightNotifier::ReplayChanged(const ReplayJob& job) {
  notifier_.Notify(ReplayNotification(job, clock_.Now()));
}

}  // namespace rehook
