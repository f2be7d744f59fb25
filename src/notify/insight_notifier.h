#pragma once
// Turns what forwarding, replay and auto-disable report (DeliveryWatcher) into notifications
// (insight_messages.h) for the Notifier. A circuit reports only a destination id: the
// destination is looked up first. delivery.exhausted is told at most once a minute per
// destination, so an outage that exhausts thousands of deliveries does not flood the channel
// (each one stays listed among the failed deliveries). A circuit state already told is not told
// again (a circuit can be seen closing twice when the shared state adopted just before lags).

#include <boost/asio/io_context.hpp>

#include <mutex>
#include <string>
#include <unordered_map>

#include "delivery/delivery_watcher.h"
#include "notify/notifier.h"
#include "store/roles/configuration_store.h"
#include "store/store_executor.h"

namespace rehook {

class InsightNotifier : public DeliveryWatcher {
 public:
  static constexpr TimeMs kExhaustedQuietMs = 60'000;

  InsightNotifier(boost::asio::io_context& io, Notifier& notifier,
                  StoreRole<ConfigurationStore> configuration, const Clock& clock);

  void CircuitChanged(const std::string& destination_id, CircuitState to, int failures) override;
  void DeliveryExhausted(const DeliveryAttempt& attempt, const Destination& destination) override;
  void DestinationDisabled(const Destination& destination) override;
  void ReplayChanged(const ReplayJob& job) override;

 private:
  boost::asio::awaitable<void> TellCircuit(std::string destination_id, bool opened, int failures,
                                           TimeMs at);

  boost::asio::io_context& io_;
  Notifier& notifier_;
  StoreRole<ConfigurationStore> configuration_;
  const Clock& clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, TimeMs> last_exhausted_;      // by destination id
  std::unordered_map<std::string, CircuitState> told_circuit_;  // by destination id
};

}  // namespace rehook
