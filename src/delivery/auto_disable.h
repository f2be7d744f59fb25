#pragma once
// Auto-disable (Destination::disable_after_ms): every interval, switches off the destinations
// whose every attempt has failed for their whole window, and tells the watcher of each. Their
// pending deliveries go (the events stay, to be back-filled with a connection replay once it is
// enabled again). The store disables a destination only if it still qualifies, in one
// conditional update, so with several nodes exactly one of them disables it and tells.
// Runs on the delivery lane.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "common/timers.h"
#include "delivery/delivery_watcher.h"
#include "store/roles/configuration_store.h"
#include "store/store_executor.h"

namespace rehook {

class AutoDisable {
 public:
  AutoDisable(boost::asio::io_context& lane, StoreRole<ConfigurationStore> configuration,
              const Clock& clock, TimerSource& timers, TimeMs interval_ms);

  // Tells `watcher` of each destination this node disables. Call before Start.
  void Watch(DeliveryWatcher& watcher) { watcher_ = &watcher; }
  // Starts sweeping. Call once, before running the lane.
  void Start();
  // Stops after the current round. Thread-safe.
  void Stop();

 private:
  boost::asio::awaitable<void> Loop();
  boost::asio::awaitable<void> SweepOnce();

  boost::asio::io_context& lane_io_;
  StoreRole<ConfigurationStore> configuration_;
  const Clock& clock_;
  TimeMs interval_ms_;
  Timer timer_;
  DeliveryWatcher* watcher_ = nullptr;
  bool stopping_ = false;  // lane thread only
};

}  // namespace rehook
