#pragma once
// What the timing tests of the forwarder and the replay runner share: manual time (a ManualClock
// with ManualTimers on it, which only the test moves), a SQLite store in a temporary directory
// holding one organization, source, destination and connection, the group-commit writer, and a
// sink on 127.0.0.1 that the destination points at and that notes the manual time each request
// arrived at. The component under test, made by the derived fixture, runs on `lane` on a thread
// of its own, as in the server.
//
// Time never passes by itself here: the test advances it, and waits only for work that other
// threads finish (a store call, a request crossing loopback), never for time to pass.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/timers.h"
#include "delivery/circuit_breaker.h"
#include "delivery/delivery_counter.h"
#include "delivery/destination_cache.h"
#include "delivery/outbound_client.h"
#include "delivery/transform_step.h"
#include "store/batch_writer.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_executor.h"
#include "support/sink_server.h"
#include "support/temp_dir.h"

namespace rehook::testing {

// Polls `condition` until it holds or ten seconds pass (a failing test, not a slow one): for
// work other threads finish. Returns whether it held.
bool Eventually(const std::function<bool()>& condition);

// Counts nothing: the forwarder reports to it.
class NoDeliveryCounter final : public DeliveryCounter {
 public:
  void CountDelivery(DeliveryKind, bool, double) override {}
};

class LaneTest : public ::testing::Test {
 protected:
  static constexpr TimeMs kStart = 1'700'000'000'000;  // manual time when a test begins

  LaneTest();
  ~LaneTest() override;

  // Runs `lane` on its own thread; call once the component under test has started.
  void RunLane();
  // Has the component stopped (by `stop`, which must let its work end) and waits for the lane
  // to run out of work. Call from the derived fixture's destructor.
  void StopLane(const std::function<void()>& stop);

  struct Captured {
    Event event;
    std::string task_id;  // "" without a task
  };
  // Stores an event received at `at`; with `task`, also a delivery task to `destination_`, due
  // at once and leased to nobody (the forwarder's poller claims it).
  Captured Capture(TimeMs at, bool task);
  std::vector<DeliveryAttempt> Attempts(const std::string& event_id);
  // Whether delivery task `task_id` is free and due by `at`: claims it for a moment under
  // another node's name, and gives it back.
  bool TaskFreeAndDueBy(const std::string& task_id, TimeMs at);

  // One of the store's roles, called on the executor's threads.
  template <class R>
  StoreRole<R> Role(R& role) {
    return StoreRole<R>(executor_, role);
  }

  // Moves manual time forward by `delta`, ending the waits that fall due. Then waits until
  // every wait that ended has been followed by the next (the lane went back to sleep), so that
  // what those timers started has run before the test looks.
  void Advance(TimeMs delta);
  // Advance()s to `until` one wait's deadline at a time.
  void AdvanceTo(TimeMs until);

  // The manual time at which each request reached the sink, in order.
  std::vector<TimeMs> Arrivals() const;
  // The sink answers request `index` (from 0) with statuses[index], or the last one past the end,
  // each answer with `headers`.
  void AnswerWith(std::vector<int> statuses, std::vector<HeaderField> headers = {});

  ManualClock clock_{kStart};
  ManualTimers timers_{clock_};
  TempDir dir_;
  SqliteStore store_;
  StoreExecutor executor_{2};
  BatchWriter writer_{store_.events(), BatchWriter::Limits{}};
  SinkServer sink_;
  CircuitBreakers breakers_{clock_, BreakerOptions{2, 10'000}};
  DestinationCache destinations_{clock_, 2000};
  ConnectionCache connections_{clock_, 2000};
  TransformationCache transformations_{clock_, 2000};
  Transformer transformer_{TransformerOptions{}};
  TransformStep transforms_{transformer_,
                            StoreRole<ConfigurationStore>(executor_, store_.configuration()),
                            connections_, transformations_};
  std::shared_ptr<OutboundShared> outbound_;
  NoDeliveryCounter deliveries_;
  Organization org_;
  Source source_;
  Destination destination_;
  Connection connection_;
  boost::asio::io_context lane_;

 private:
  bool LaneAsleep() const;

  std::thread lane_thread_;
  mutable std::mutex mutex_;
  std::vector<TimeMs> arrivals_;      // guarded by mutex_
  std::vector<int> statuses_{200};    // guarded by mutex_
  std::vector<HeaderField> headers_;  // guarded by mutex_
};

}  // namespace rehook::testing
