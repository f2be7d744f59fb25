#pragma once
// Runs replay jobs: each walks its scope (replay_scope.h) oldest first and sends every matching
// event once to the job's destination, never more than the job's rate in any one-second window
// (Pacer), without retries. Each attempt is logged with the job's id and its outcome against the
// event's last earlier attempt at the destination, together with the job's new counters and
// resume cursor, through the group-commit writer.
//
// - The lane hands its deliveries' records to the writer together, every record_interval_ms
//   (a change of status at once): with hundreds of jobs, each commit then carries several
//   deliveries per job, whose attempts share the pages of the job's index entries and whose
//   counters make one row update. After a crash, deliveries of the last interval not yet
//   recorded are sent again when the job resumes (at-least-once, like any delivery).
//
// - Jobs are leased from the store (ClaimReplayJobs), so a job runs on one node at a time and
//   continues elsewhere, or after a restart, from its persisted cursor (ReplayWalk).
// - A job has one delivery in flight at a time by default (max_in_flight_per_job), so the
//   destination sees the range in exact order; a destination that hangs holds only its job.
// - While the destination's circuit is open the job is `paused` and sends nothing; it resumes
//   when the breaker lets a probe through.
// - A cancellation through this node's API stops the job at once; one made through another node
//   is seen at the next lease renewal.
//
// Everything runs on one io_context (the replay lane) with its own thread: no locks, and replay
// traffic never competes with capture or the API for io threads.

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>
#include <unordered_map>

#include "common/timers.h"
#include "delivery/circuit_breaker.h"
#include "delivery/delivery_watcher.h"
#include "delivery/destination_cache.h"
#include "delivery/outbound_client.h"
#include "delivery/transform_step.h"
#include "metrics/metrics.h"
#include "store/batch_writer.h"
#include "store/store.h"
#include "store/store_executor.h"

namespace rehook {

struct ReplayRunnerOptions {
  std::string node_id;
  TimeMs lease_ms = 30'000;  // renewed every renew_interval_ms while the job runs here
  TimeMs poll_interval_ms = 1000;
  TimeMs renew_interval_ms = 2000;
  int max_jobs = 1000;  // running at once on this node
  // One at a time by default: a destination then receives the range in exact order, which
  // consumers of event streams rely on. The job's rate is still met whenever the destination
  // answers within 1 / rate seconds; a slower one is replayed as fast as it answers.
  int max_in_flight_per_job = 1;
  std::size_t page_bytes = 4 << 20;           // event bodies read ahead per job, about
  TimeMs record_interval_ms = 100;            // 0: each delivery's record at once
  TimeMs retention_ms = 24 * 60 * 60 * 1000;  // progress kept after a job ends
};

// The store roles replay jobs use.
struct ReplayStores {
  StoreRole<WorkLeases> work;                   // job leases
  StoreRole<ReplayHistory> replays;             // jobs, their attempts and earlier results
  StoreRole<EventLog> events;                   // the events of a job's range
  StoreRole<ConfigurationStore> configuration;  // its destination
};

class ReplayRunner {
 public:
  ReplayRunner(boost::asio::io_context& lane, ReplayStores store, BatchWriter& writer,
               std::shared_ptr<OutboundShared> outbound, CircuitBreakers& breakers,
               DestinationCache& destinations, TransformStep& transforms, const Clock& clock,
               TimerSource& timers, Metrics& metrics, ReplayRunnerOptions options);
  ~ReplayRunner();

  // Tells `watcher` when a job completes or rehook pauses it. Call before Start.
  void Watch(DeliveryWatcher& watcher) { watcher_ = &watcher; }
  // Starts claiming jobs. Call once, before running the lane.
  void Start();
  // Stops starting deliveries; those under way finish. Leases are left to lapse (or to be
  // released when this node starts again). Thread-safe.
  void Stop();
  // A job was created: claim it now rather than at the next poll. Thread-safe.
  void Wake();
  // A job was cancelled through the API (already recorded in the store). Thread-safe.
  void Cancelled(const std::string& job_id);

  const ReplayRunnerOptions& options() const { return options_; }

 private:
  struct Job;
  struct Page;
  struct ReadPosition;

  boost::asio::awaitable<void> ClaimLoop();
  boost::asio::awaitable<void> RenewLeases();
  // A claimed job, from preparing it to its final status.
  boost::asio::awaitable<void> Run(std::shared_ptr<Job> job);
  // Prepare(), tried again a second after each store error; false when the job cannot run (its
  // final status is recorded) or was stopped meanwhile.
  boost::asio::awaitable<bool> PrepareUntilReady(Job& job);
  boost::asio::awaitable<bool> Prepare(Job& job);
  // Reads and sends page after page until the scope is done or the job stops.
  boost::asio::awaitable<void> WalkScope(std::shared_ptr<Job> job);
  // The page after `position` (which it moves on), once durable; nothing after a store error.
  boost::asio::awaitable<std::optional<Page>> ReadPage(const Job& job, ReadPosition& position);
  // Starts a delivery for each event of the page in the job's scope not sent yet, each when
  // WaitUntilSendable lets it; stops early when the job stops.
  boost::asio::awaitable<void> SendPage(std::shared_ptr<Job> job, Page& page);
  // Waits until the job may start its next delivery: a free slot, its pace, a circuit that
  // lets it through, whose pass the delivery then reports to. Nothing when the job stops
  // instead.
  boost::asio::awaitable<std::optional<CircuitPass>> WaitUntilSendable(Job& job);
  // Marks the job paused for `reason` and naps until about `retry_at` (at most a second).
  boost::asio::awaitable<void> PauseFor(Job& job, const char* reason, TimeMs retry_at);
  // `earlier`: whether the event's last earlier attempt at the destination succeeded (nullopt:
  // none), which decides the delivery's outcome (fixed, regressed, same, first).
  boost::asio::awaitable<void> Deliver(std::shared_ptr<Job> job, std::shared_ptr<const Event> event,
                                       std::uint64_t ticket, std::optional<bool> earlier,
                                       CircuitPass pass);
  // Sleeps until `deadline` or until something concerning the job happens.
  boost::asio::awaitable<void> Nap(Job& job, TimerSource::TimePoint deadline);
  // Runs the job's transformation (or its connection's) on `event`, if there is one.
  boost::asio::awaitable<std::optional<Reshaped>> Reshape(const Job& job, const Event& event);
  void SetStatus(Job& job, ReplayStatus status, std::string reason);
  void Finish(Job& job);
  // Records `progress` with the lane's next hand-over to the writer.
  void Submit(ReplayProgress progress);
  // Hands what the lane's jobs did since the last hand-over to the writer.
  void RecordProgress();
  boost::asio::awaitable<void> RecordProgressLater();
  ReplayProgress ProgressOf(const Job& job) const;

  boost::asio::io_context& lane_io_;
  ReplayStores store_;
  BatchWriter& writer_;
  OutboundClient client_;
  // The destination's circuit as live forwarding sees it (read only), and the circuits of
  // this node's replay deliveries, counted apart.
  CircuitBreakers& live_breakers_;
  CircuitBreakers replay_breakers_;
  DestinationCache& destinations_;
  TransformStep& transforms_;
  const Clock& clock_;
  TimerSource& timers_;
  Metrics& metrics_;
  ReplayRunnerOptions options_;
  DeliveryWatcher* watcher_ = nullptr;

  // Touched only on the lane's thread.
  std::unordered_map<std::string, std::shared_ptr<Job>> jobs_;
  bool stopping_ = false;
  bool wake_requested_ = false;
  Timer claim_timer_;
  Timer renew_timer_;
  TimeMs next_expiry_sweep_ = 0;
  std::vector<ReplayProgress> unrecorded_;  // for the next hand-over to the writer
  bool record_scheduled_ = false;
  Timer record_timer_;
};

}  // namespace rehook
