#include "delivery/circuit_sync.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "common/log.h"

namespace rehook {

namespace asio = boost::asio;

CircuitSync::CircuitSync(asio::io_context& lane, StoreRole<ClusterState> cluster,
                         CircuitBreakers& breakers, const Clock& clock, TimerSource& timers,
                         TimeMs interval_ms)
    : lane_io_(lane),
      cluster_(cluster),
      breakers_(breakers),
      clock_(clock),
      interval_ms_(interval_ms),
      timer_(lane.get_executor(), timers) {}

void CircuitSync::Start() { asio::co_spawn(lane_io_, Loop(), asio::detached); }

void CircuitSync::Stop() {
  asio::post(lane_io_, [this] {
    stopping_ = true;
    timer_.Cancel();
  });
}

asio::awaitable<void> CircuitSync::Loop() {
  while (!stopping_) {
    co_await timer_.WaitFor(std::chrono::milliseconds(interval_ms_));
    if (stopping_) break;
    try {
      co_await SyncOnce();
    } catch (const std::exception& e) {
      // The reports of this round are lost; local breakers keep protecting this node.
      log::Warn("circuit.sync_failed", {{"error", e.what()}});
    }
  }
}

asio::awaitable<void> CircuitSync::SyncOnce() {
  std::vector<CircuitReport> reports = breakers_.TakeReports();
  const BreakerOptions& options = breakers_.options();
  TimeMs now = clock_.Now();
  std::vector<CircuitRecord> records = co_await cluster_.Run([&](ClusterState& store) {
    std::vector<CircuitRecord> agreed;
    for (const CircuitReport& report : reports) {
      agreed.push_back(
          store.ReportCircuit(report, options.failure_threshold, options.cooldown_ms, now));
    }
    std::vector<CircuitRecord> troubled = store.ListTroubledCircuits();
    agreed.insert(agreed.end(), troubled.begin(), troubled.end());
    return agreed;
  });
  for (const CircuitRecord& record : records) breakers_.Adopt(record);
}

}  // namespace rehook
