#pragma once
// The forwarder delivers captured events to destinations, with retries.
//
// Work arrives two ways: the capture path hands over the tasks of an event as soon as it is
// durable (no polling delay), and a poller claims due tasks from the store every second —
// retries, work left over from before a restart, and work whose lease another node let lapse.
//
// Everything runs on one io_context (the delivery lane) with its own thread, so the forwarder's
// bookkeeping needs no locks, and deliveries never compete with the API and capture for io
// threads. Per destination, at most `max_in_flight_per_destination` deliveries run at once and
// `rate_limit` (if set) spaces them out, so a slow or dead destination only ever holds its own
// slots: other destinations and capture carry on at full speed.
//
// Each attempt is logged (GET /v1/events/{id}/deliveries) through the group-commit writer,
// together with the task's new state: removed on success or when the retry schedule is
// exhausted, rescheduled otherwise. While a destination's circuit is open its tasks are
// postponed without an attempt. Delivery is at least once: a crash between sending and
// logging means the event is sent again.

#include <boost/asio/io_context.hpp>

#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/timers.h"
#include "delivery/circuit_breaker.h"
#include "delivery/delivery_counter.h"
#include "delivery/delivery_watcher.h"
#include "delivery/destination_cache.h"
#include "delivery/outbound_client.h"
#include "delivery/retry_schedule.h"
#include "delivery/routing.h"
#include "delivery/transform_step.h"
#include "store/batch_writer.h"
#include "store/store.h"
#include "store/store_executor.h"

namespace rehook {

// The store roles forwarding uses.
struct ForwarderStores {
  StoreRole<ConfigurationStore> configuration;  // destinations
  StoreRole<EventLog> events;                   // bodies of events not in memory
  StoreRole<WorkLeases> work;                   // due tasks
  StoreRole<ClusterState> cluster;              // rate-limit slots shared by nodes
};

struct ForwarderOptions {
  TaskOwner owner;
  TimeMs poll_interval_ms = 1000;
  int poll_batch = 500;
  int max_in_flight = 512;
  int max_in_flight_per_destination = 16;
  // Tasks kept in memory at most; beyond it the poller leaves them in the store until there
  // is room. Bodies held in memory are bounded separately (loaded again when over the budget).
  std::size_t max_queued = 50000;
  std::size_t max_queued_body_bytes = 256 << 20;
  // Several nodes share the store: a destination's rate_limit slots are reserved in it
  // (ClusterState::ReserveDeliverySlot) so that the limit holds across all nodes together.
  bool shared_pacing = false;
};

class Forwarder {
 public:
  Forwarder(boost::asio::io_context& lane, ForwarderStores store, BatchWriter& writer,
            std::shared_ptr<OutboundShared> outbound, CircuitBreakers& breakers,
            DestinationCache& destinations, TransformStep& transforms, RetrySchedule schedule,
            const Clock& clock, TimerSource& timers, DeliveryCounter& deliveries,
            ForwarderOptions options);
  ~Forwarder();

  // Tells `watcher` of deliveries given up on. Call before Start.
  void Watch(DeliveryWatcher& watcher) { watcher_ = &watcher; }
  // Starts the poller. Call once, before running the lane.
  void Start();
  // Stops polling and dispatching; deliveries under way finish (within their timeouts). Safe to
  // call from any thread.
  void Stop();

  // Hands over the tasks of an event that has just become durable (`event` has its body).
  // Thread-safe.
  void Enqueue(std::shared_ptr<const Event> event, std::vector<DeliveryTask> tasks);

 private:
  struct Work {
    DeliveryTask task;
    std::shared_ptr<const Event> event;  // null: load from the store when delivering
  };
  struct Lane {
    std::deque<Work> queue;
    int in_flight = 0;
    TimeMs next_slot = 0;  // rate limit: the earliest time the next delivery may start (one node)
  };

  void Accept(Work work);
  void Dispatch();
  // One task, from its slot to its recorded outcome; frees the slot on every way out.
  boost::asio::awaitable<void> Deliver(Work work);
  // Drops the task when its destination is gone or disabled, postpones it while the circuit is
  // open, and otherwise delivers it (DeliverThrough).
  boost::asio::awaitable<void> DeliverUnlessRefused(const Work& work, Lane& lane);
  // The delivery itself, once the circuit let it through: load the event if needed, run the
  // connection's transformation, pace, send, record the outcome.
  boost::asio::awaitable<void> DeliverThrough(const Work& work, Lane& lane,
                                              const Destination& destination, CircuitPass& pass);
  // The event as handed over, or from the store when it was not kept in memory; null when it
  // was erased meanwhile.
  boost::asio::awaitable<std::shared_ptr<const Event>> LoadEvent(const Work& work);
  // Runs the transformation of the task's connection, if it has one.
  boost::asio::awaitable<std::optional<Reshaped>> Reshape(const DeliveryTask& task,
                                                          const Event& event);
  // Tells the circuit and the delivery counter how the send went.
  void Report(CircuitPass& pass, const OutboundResult& result);
  // The delivery is over (whatever happened): frees its slots and starts the next ones.
  void Finished(const DeliveryTask& task, Lane& lane);
  boost::asio::awaitable<void> Poll();
  // Claims up to `limit` tasks for the poller: when it is time, those whose lease lapsed first,
  // then due ones no node holds. A claim that fails is logged; what the other took is kept.
  boost::asio::awaitable<std::vector<DeliveryTask>> Claim(int limit);
  boost::asio::awaitable<std::optional<Destination>> LoadDestination(const DeliveryTask& task);
  // Waits, if the destination has a rate limit, until this delivery may start.
  boost::asio::awaitable<void> Pace(Lane& lane, const Destination& destination);
  void Submit(TaskUpdate update);
  // The attempt's record and the task's next step: finished, or retried after the wait the
  // destination's retry policy (or the server's schedule) and a Retry-After answer give.
  TaskUpdate Outcome(const DeliveryTask& task, const Event& event, const Destination& destination,
                     const OutboundResult& result);

  boost::asio::io_context& lane_io_;
  ForwarderStores store_;
  BatchWriter& writer_;
  OutboundClient client_;
  CircuitBreakers& breakers_;
  RetrySchedule schedule_;
  const Clock& clock_;
  TimerSource& timers_;
  DeliveryCounter& deliveries_;
  ForwarderOptions options_;
  DestinationCache& destinations_;
  TransformStep& transforms_;
  DeliveryWatcher* watcher_ = nullptr;

  // Touched only on the lane's thread.
  std::unordered_map<std::string, Lane> lanes_;
  std::unordered_set<std::string> known_tasks_;  // queued or in flight, to never run one twice
  std::size_t queued_ = 0;
  std::size_t queued_body_bytes_ = 0;
  int in_flight_ = 0;
  bool stopping_ = false;
  Timer poll_timer_;
  // When the poller next looks for tasks whose lease lapsed: a read of the whole task table, so
  // every half lease rather than every poll, but at once on the first poll and again on the
  // next one while lapsed tasks fill its claims (a dead node's backlog).
  TimeMs next_lapsed_claim_ = 0;
  std::mt19937_64 random_;
};

}  // namespace rehook
