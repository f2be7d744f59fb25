#pragma once
// Keeps this node's circuit breakers in step with the other nodes' when several share one
// database: every interval it folds the outcomes each breaker collected into the destination's
// shared circuit (ClusterState::ReportCircuit) and adopts what all nodes agreed on, including
// circuits other nodes opened (ClusterState::ListTroubledCircuits). A destination failing on one
// node is thus spared by every node within about one interval. Runs on the delivery lane; used only
// with a shared store (the SQLite store has one node).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "common/timers.h"
#include "delivery/circuit_breaker.h"
#include "store/roles/cluster_state.h"
#include "store/store_executor.h"

namespace rehook {

class CircuitSync {
 public:
  CircuitSync(boost::asio::io_context& lane, StoreRole<ClusterState> cluster,
              CircuitBreakers& breakers, const Clock& clock, TimerSource& timers,
              TimeMs interval_ms = 500);

  // Starts syncing. Call once, before running the lane.
  void Start();
  // Stops after the current round. Thread-safe.
  void Stop();

 private:
  boost::asio::awaitable<void> Loop();
  boost::asio::awaitable<void> SyncOnce();

  boost::asio::io_context& lane_io_;
  StoreRole<ClusterState> cluster_;
  CircuitBreakers& breakers_;
  const Clock& clock_;
  TimeMs interval_ms_;
  Timer timer_;
  bool stopping_ = false;  // lane thread only
};

}  // namespace rehook
