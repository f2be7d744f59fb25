#include "delivery/forwarder.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>

#include "common/log.h"
#include "common/pacer.h"
#include "delivery/attempt_record.h"
#include "delivery/delivery_request.h"
#include "store/await_durable.h"

namespace rehook {

namespace asio = boost::asio;

Forwarder::Forwarder(asio::io_context& lane, ForwarderStores store, BatchWriter& writer,
                     std::shared_ptr<OutboundShared> outbound, CircuitBreakers& breakers,
                     DestinationCache& destinations, TransformStep& transforms,
                     RetrySchedule schedule, const Clock& clock, TimerSource& timers,
                     DeliveryCounter& deliveries, ForwarderOptions options)
    : lane_io_(lane),
      store_(store),
      writer_(writer),
      client_(lane.get_executor(), std::move(outbound)),
      breakers_(breakers),
      schedule_(std::move(schedule)),
      clock_(clock),
      timers_(timers),
      deliveries_(deliveries),
      options_(std::move(options)),
      destinations_(destinations),
      transforms_(transforms),
      poll_timer_(lane.get_executor(), timers),
      random_(std::random_device{}()) {}

Forwarder::~Forwarder() = default;

void Forwarder::Start() { asio::co_spawn(lane_io_, Poll(), asio::detached); }

void Forwarder::Stop() {
  asio::post(lane_io_, [this] {
    stopping_ = true;
    poll_timer_.Cancel();
    client_.CloseIdle();
  });
}

void Forwarder::Enqueue(std::shared_ptr<const Event> event, std::vector<DeliveryTask> tasks) {
  asio::post(lane_io_, [this, event = std::move(event), tasks = std::move(tasks)]() mutable {
    for (auto& task : tasks) Accept(Work{std::move(task), event});
    Dispatch();
  });
}

void Forwarder::Accept(Work work) {
  if (stopping_ || !known_tasks_.insert(work.task.id).second) return;
  if (work.event) {
    // Keep bodies in memory only within the budget; past it, the delivery reloads the event.
    std::size_t bytes = work.event->body.size();
    if (queued_body_bytes_ + bytes > options_.max_queued_body_bytes) {
      work.event.reset();
    } else {
      queued_body_bytes_ += bytes;
    }
  }
  ++queued_;
  lanes_[work.task.destination_id].queue.push_back(std::move(work));
}

void Forwarder::Dispatch() {
  if (stopping_) return;
  bool started = true;
  // Round-robin over destinations, one delivery each per pass, until no slot is left.
  while (started && in_flight_ < options_.max_in_flight) {
    started = false;
    for (auto& [destination_id, lane] : lanes_) {
      if (lane.queue.empty() || lane.in_flight >= options_.max_in_flight_per_destination) continue;
      if (in_flight_ >= options_.max_in_flight) break;
      Work work = std::move(lane.queue.front());
      lane.queue.pop_front();
      --queued_;
      if (work.event) queued_body_bytes_ -= work.event->body.size();
      ++lane.in_flight;
      ++in_flight_;
      started = true;
      asio::co_spawn(lane_io_, Deliver(std::move(work)), asio::detached);
    }
  }
}

asio::awaitable<std::optional<Destination>> Forwarder::LoadDestination(const DeliveryTask& task) {
  if (auto cached = destinations_.Lookup(task.destination_id)) co_return *cached;
  auto destination = co_await store_.configuration.Run([&](ConfigurationStore& store) {
    return store.GetDestination(task.org_id, task.destination_id);
  });
  destinations_.Put(task.destination_id, destination);
  co_return destination;
}

asio::awaitable<void> Forwarder::Pace(Lane& lane, const Destination& destination) {
  if (!destination.rate_limit) co_return;
  // Starts reserved on a grid 1000 / rate ms apart (rounded up to whole ms), so at most `rate`
  // are planned in any one-second window. (Replay jobs use Pacer, which also bounds the
  // windows of the actual starts; here deliveries run concurrently and reserve slots ahead.)
  const TimeMs spacing_ms =
      std::chrono::ceil<std::chrono::milliseconds>(Pacer(*destination.rate_limit).spacing())
          .count();
  TimeMs now = clock_.Now();
  TimeMs slot = 0;
  if (options_.shared_pacing) {
    const std::string& id = destination.id;
    slot = co_await store_.cluster.Run(
        [&](ClusterState& store) { return store.ReserveDeliverySlot(id, now, spacing_ms); });
    now = clock_.Now();
  } else {
    slot = std::max(now, lane.next_slot);
    lane.next_slot = slot + spacing_ms;
  }
  if (slot > now) {
    Timer wait(lane_io_.get_executor(), timers_);
    co_await wait.WaitFor(std::chrono::milliseconds(slot - now));
  }
}

TaskUpdate Forwarder::Outcome(const DeliveryTask& task, const Event& event,
                              const Destination& destination, const OutboundResult& result) {
  const TimeMs now = clock_.Now();
  DeliveryAttempt attempt = ForwardingAttempt(task, event.source_id, result, now);
  TaskUpdate update = TaskUpdate::Of(task, std::nullopt, std::nullopt);
  if (!attempt.success) {
    double jitter = std::uniform_real_distribution<double>(0, 1)(random_);
    const RetrySchedule schedule =
        destination.retry ? RetrySchedule::Of(*destination.retry) : schedule_;
    std::optional<TimeMs> retry_after;
    if (result.status_code == 429 || result.status_code == 503) {
      retry_after = ParseRetryAfter(result.retry_after, now);
    }
    if (auto delay = schedule.DelayAfter(attempt.attempt, jitter, retry_after)) {
      update.retry_at = now + *delay;
      attempt.next_retry_at = update.retry_at;
    } else if (watcher_ != nullptr) {
      watcher_->DeliveryExhausted(attempt, destination);
    }
  }
  update.attempt = std::move(attempt);
  return update;
}

void Forwarder::Submit(TaskUpdate update) {
  std::string task_id = update.task_id;
  writer_.Submit(std::move(update), [task_id](std::exception_ptr error) {
    if (!error) return;
    // The task keeps its lease and comes back through the poller when it lapses.
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      log::Error("delivery.record_failed", {{"task_id", task_id}, {"error", e.what()}});
    }
  });
}

asio::awaitable<void> Forwarder::Deliver(Work work) {
  Lane& lane = lanes_[work.task.destination_id];
  try {
    co_await DeliverUnlessRefused(work, lane);
  } catch (const std::exception& e) {
    // A store error (e.g. loading the event): leave the task leased; the poller retries it.
    // The circuit pass, if one was taken, gave its probe slot back on the way out.
    log::Error("delivery.failed", {{"task_id", work.task.id}, {"error", e.what()}});
  }
  Finished(work.task, lane);
}

asio::awaitable<void> Forwarder::DeliverUnlessRefused(const Work& work, Lane& lane) {
  const DeliveryTask& task = work.task;
  std::optional<Destination> destination = co_await LoadDestination(task);
  if (!destination || !destination->enabled) {
    // Deleted, or disabled (a task routed just before): dropped; the event stays replayable.
    Submit(TaskUpdate::Of(task, std::nullopt, std::nullopt));
    co_return;
  }
  std::optional<CircuitPass> pass = breakers_.Enter(destination->id);
  if (!pass) {
    // Postponed without an attempt until the circuit half-opens.
    Submit(TaskUpdate::Of(task, std::nullopt, breakers_.RetryAt(destination->id)));
    co_return;
  }
  co_await DeliverThrough(work, lane, *destination, *pass);
}

asio::awaitable<void> Forwarder::DeliverThrough(const Work& work, Lane& lane,
                                                const Destination& destination, CircuitPass& pass) {
  const DeliveryTask& task = work.task;
  std::shared_ptr<const Event> event = co_await LoadEvent(work);
  if (!event) {
    Submit(TaskUpdate::Of(task, std::nullopt, std::nullopt));  // event erased: nothing to send
    co_return;
  }
  std::optional<Reshaped> reshaped = co_await Reshape(task, *event);
  if (reshaped && !reshaped->sends()) {
    // Skipped, or the script failed: nothing is sent, the circuit is left as it is, and a
    // failed script is not retried (its next run would most likely fail the same way).
    DeliveryAttempt attempt =
        ForwardingAttempt(task, event->source_id, OutboundResult{}, clock_.Now());
    NoteTransformation(attempt, *reshaped, nullptr);
    Submit(TaskUpdate::Of(task, std::move(attempt), std::nullopt));
    co_return;
  }
  OutboundResult result;
  std::optional<OutboundRequest> sent;  // kept for the record when a script reshaped it
  auto url = ParseTargetUrl(destination.url, false);
  if (auto* invalid = std::get_if<std::string>(&url)) {
    result.error = *invalid;  // the pass is dropped unreported: the destination did not fail
  } else {
    co_await Pace(lane, destination);
    OutboundRequest request =
        BuildDeliveryRequest(*event, std::shared_ptr<const std::string>(event, &event->body),
                             destination, std::get<TargetUrl>(url), clock_.Now(), std::nullopt,
                             reshaped ? &*reshaped->request : nullptr);
    if (reshaped) sent = request;
    // Send reports every failure (a request Beast cannot serialize included) as a result.
    result = co_await client_.Send(std::move(request));
    Report(pass, result);
  }
  TaskUpdate update = Outcome(task, *event, destination, result);
  if (reshaped) NoteTransformation(*update.attempt, *reshaped, sent ? &*sent : nullptr);
  Submit(std::move(update));
}

asio::awaitable<std::optional<Reshaped>> Forwarder::Reshape(const DeliveryTask& task,
                                                            const Event& event) {
  std::string id = co_await transforms_.OfConnection(task.org_id, task.connection_id);
  if (id.empty()) co_return std::nullopt;
  TransformContext context;
  context.destination_id = task.destination_id;
  context.connection_id = task.connection_id;
  context.trigger = task.attempts == 0 ? "forward" : "retry";
  co_return co_await transforms_.Run(task.org_id, id, event, context);
}

asio::awaitable<std::shared_ptr<const Event>> Forwarder::LoadEvent(const Work& work) {
  if (work.event) co_return work.event;
  const DeliveryTask& task = work.task;
  auto loaded = co_await store_.events.Run(
      [&](EventLog& store) { return store.GetEvent(task.org_id, task.event_id, true); });
  if (!loaded) co_return nullptr;
  co_return std::make_shared<const Event>(std::move(*loaded));
}

void Forwarder::Report(CircuitPass& pass, const OutboundResult& result) {
  pass.Report(result.success());
  deliveries_.CountAttempt(DeliveryKind::forward, result.success(), result.response_time_ms);
}

void Forwarder::Finished(const DeliveryTask& task, Lane& lane) {
  --lane.in_flight;
  --in_flight_;
  known_tasks_.erase(task.id);
  Dispatch();
}

asio::awaitable<void> Forwarder::Poll() {
  while (!stopping_) {
    std::size_t room = options_.max_queued > queued_ ? options_.max_queued - queued_ : 0;
    int limit = static_cast<int>(std::min<std::size_t>(room, options_.poll_batch));
    std::size_t claimed = 0;
    if (limit > 0) {
      try {
        std::vector<DeliveryTask> tasks = co_await Claim(limit);
        claimed = tasks.size();
        // A task committed by a capture whose fsync is still running is visible already: send
        // nothing a power cut could still take back (the sender would deliver it twice).
        if (claimed > 0) co_await AwaitDurable(writer_);
        for (auto& task : tasks) Accept(Work{std::move(task), nullptr});
        Dispatch();
      } catch (const std::exception& e) {
        log::Error("delivery.poll_failed", {{"error", e.what()}});
      }
    }
    if (claimed == static_cast<std::size_t>(limit) && limit > 0) continue;  // more are due
    co_await poll_timer_.WaitFor(std::chrono::milliseconds(options_.poll_interval_ms));
  }
}

asio::awaitable<std::vector<DeliveryTask>> Forwarder::Claim(int limit) {
  const TimeMs now = clock_.Now();
  const std::string& owner = options_.owner.node_id;
  const TimeMs until = now + options_.owner.lease_ms;
  std::vector<DeliveryTask> tasks;
  if (now >= next_lapsed_claim_) {
    try {
      tasks = co_await store_.work.Run(
          [&](WorkLeases& store) { return store.ClaimLapsedTasks(now, owner, until, limit); });
      // A full claim may have left more behind: look again at the next poll.
      if (tasks.size() < static_cast<std::size_t>(limit)) {
        next_lapsed_claim_ = now + std::max(options_.owner.lease_ms / 2, options_.poll_interval_ms);
      }
    } catch (const std::exception& e) {
      log::Error("delivery.poll_failed", {{"error", e.what()}});
    }
  }
  const int room_left = limit - static_cast<int>(tasks.size());
  if (room_left <= 0) co_return tasks;
  try {
    auto due = co_await store_.work.Run(
        [&](WorkLeases& store) { return store.ClaimDueTasks(now, owner, until, room_left); });
    for (auto& task : due) tasks.push_back(std::move(task));
  } catch (const std::exception& e) {
    log::Error("delivery.poll_failed", {{"error", e.what()}});
  }
  co_return tasks;
}

}  // namespace rehook
