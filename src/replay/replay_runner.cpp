#include "replay/replay_runner.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <unordered_set>
#include <utility>
#include <variant>

#include "common/log.h"
#include "common/pacer.h"
#include "delivery/attempt_record.h"
#include "delivery/delivery_request.h"
#include "replay/replay_scope.h"
#include "replay/replay_walk.h"
#include "store/await_durable.h"

namespace rehook {

namespace asio = boost::asio;
using TimePoint = TimerSource::TimePoint;

namespace {

constexpr const char* kLiveCircuitOpen =
    "the destination's circuit is open (its live deliveries are failing); the job resumes when "
    "it closes";
constexpr const char* kReplayCircuitOpen =
    "replay deliveries to the destination keep failing (the job's circuit is open); the job "
    "tries again after the cool-down";

// Why a job stopped before walking its whole scope.
enum class StopReason { none, cancelled, lease_lost, node_stopping, destination_deleted };

// Why a job that walked its whole range sent fewer events than it counted at creation.
const char* ShortfallReason(const ReplayJob& job, int started) {
  if (started >= job.total) return "";
  if (job.only != ReplayOnly::all) {
    return "some events were erased, or were delivered since the job was created";
  }
  return "some events of the range were erased";
}

}  // namespace

struct ReplayRunner::Job {
  Job(const asio::any_io_executor& executor, TimerSource& timers, ReplayJob job)
      : record(std::move(job)), wake(executor, timers) {}

  ReplayJob record;  // counters and status as this node last recorded them
  ReplayScope scope;
  Destination destination;
  std::variant<TargetUrl, std::string> url;  // or why the destination's URL cannot be used
  ReplayWalk walk;
  Pacer pacer{1};
  // Events delivered before this node took the job over, beyond its persisted cursor.
  std::unordered_set<std::string> already_replayed;
  int started = 0;  // events counted toward `total`: processed earlier plus sent by this run
  int in_flight = 0;
  int max_in_flight = 1;
  StopReason stop = StopReason::none;
  // replay.paused was notified and no delivery has succeeded since: a job that pauses and
  // resumes with each probe of a failing destination tells its team once, not every cooldown.
  bool told_paused = false;
  Timer wake;  // the job's loop sleeps on it; anything relevant cancels it
};

// A page of the job's scope, and how each of its events fared at the destination last time.
struct ReplayRunner::Page {
  std::vector<Event> events;
  // Parallel to events: whether its last earlier attempt at the destination succeeded.
  std::vector<std::optional<bool>> earlier_results;
  PageStandings standings;  // for a failed-only or undelivered-only job
};

// Where the next page begins, and how large bodies have been (to size it).
struct ReplayRunner::ReadPosition {
  std::optional<Cursor> after;
  std::size_t average_body_bytes = 0;
};

ReplayRunner::ReplayRunner(asio::io_context& lane, ReplayStores store, BatchWriter& writer,
                           std::shared_ptr<OutboundShared> outbound, CircuitBreakers& breakers,
                           DestinationCache& destinations, TransformStep& transforms,
                           const Clock& clock, TimerSource& timers, Metrics& metrics,
                           ReplayRunnerOptions options)
    : lane_io_(lane),
      store_(store),
      writer_(writer),
      client_(lane.get_executor(), std::move(outbound)),
      live_breakers_(breakers),
      // Not shared between nodes: replay circuits protect a destination from this node's jobs.
      replay_breakers_(clock, BreakerOptions{breakers.options().failure_threshold,
                                             breakers.options().cooldown_ms, false}),
      destinations_(destinations),
      transforms_(transforms),
      clock_(clock),
      timers_(timers),
      metrics_(metrics),
      options_(std::move(options)),
      claim_timer_(lane.get_executor(), timers),
      renew_timer_(lane.get_executor(), timers),
      record_timer_(lane.get_executor(), timers) {}

ReplayRunner::~ReplayRunner() = default;

void ReplayRunner::Start() {
  asio::co_spawn(lane_io_, ClaimLoop(), asio::detached);
  asio::co_spawn(lane_io_, RenewLeases(), asio::detached);
}

void ReplayRunner::Stop() {
  asio::post(lane_io_, [this] {
    stopping_ = true;
    claim_timer_.Cancel();
    renew_timer_.Cancel();
    record_timer_.Cancel();
    client_.CloseIdle();  // idle connections would keep the lane from running out of work
    for (auto& [id, job] : jobs_) {
      if (job->stop == StopReason::none) job->stop = StopReason::node_stopping;
      job->wake.Cancel();
    }
  });
}

void ReplayRunner::Wake() {
  asio::post(lane_io_, [this] {
    wake_requested_ = true;
    claim_timer_.Cancel();
  });
}

void ReplayRunner::Cancelled(const std::string& job_id) {
  asio::post(lane_io_, [this, job_id] {
    auto found = jobs_.find(job_id);
    if (found == jobs_.end()) return;
    found->second->stop = StopReason::cancelled;
    found->second->wake.Cancel();
  });
}

asio::awaitable<void> ReplayRunner::ClaimLoop() {
  while (!stopping_) {
    wake_requested_ = false;
    const int room = options_.max_jobs - static_cast<int>(jobs_.size());
    const TimeMs now = clock_.Now();
    try {
      if (room > 0) {
        auto claimed = co_await store_.work.Run([&](WorkLeases& store) {
          return store.ClaimReplayJobs(now, options_.node_id, now + options_.lease_ms,
                                       std::min(room, 100));
        });
        for (ReplayJob& record : claimed) {
          // A job whose lease lapsed while it ran here comes back: it is still running.
          if (stopping_ || jobs_.contains(record.id)) continue;
          auto job = std::make_shared<Job>(lane_io_.get_executor(), timers_, std::move(record));
          jobs_.emplace(job->record.id, job);
          asio::co_spawn(lane_io_, Run(job), asio::detached);
        }
      }
      if (now >= next_expiry_sweep_) {
        next_expiry_sweep_ = now + 60'000;
        co_await store_.replays.Run(
            [now](ReplayHistory& store) { return store.DeleteExpiredReplayJobs(now, 1000); });
      }
    } catch (const std::exception& e) {
      log::Error("replay.claim_failed", {{"error", e.what()}});
    }
    if (wake_requested_) continue;
    co_await claim_timer_.WaitFor(std::chrono::milliseconds(options_.poll_interval_ms));
  }
}

asio::awaitable<void> ReplayRunner::RenewLeases() {
  while (!stopping_) {
    co_await renew_timer_.WaitFor(std::chrono::milliseconds(options_.renew_interval_ms));
    if (stopping_ || jobs_.empty()) continue;
    struct Held {
      std::string id, org_id, destination_id;
    };
    struct Renewed {
      std::optional<ReplayJob> job;  // nullopt: the lease is lost
      std::optional<Destination> destination;
    };
    std::vector<Held> held;
    for (const auto& [id, job] : jobs_) {
      held.push_back({id, job->record.org_id, job->record.destination_id});
    }
    const TimeMs lease_until = clock_.Now() + options_.lease_ms;
    try {
      auto renewed = co_await store_.work.Run(
          [&, &configuration = store_.configuration.role()](WorkLeases& work) {
            std::vector<Renewed> results;
            for (const Held& h : held) {
              Renewed result{work.RenewReplayLease(h.id, options_.node_id, lease_until), {}};
              if (result.job) {
                result.destination = configuration.GetDestination(h.org_id, h.destination_id);
              }
              results.push_back(std::move(result));
            }
            return results;
          });
      for (std::size_t i = 0; i < held.size(); ++i) {
        auto found = jobs_.find(held[i].id);
        if (found == jobs_.end()) continue;
        Job& job = *found->second;
        Renewed& result = renewed[i];
        if (!result.job) {
          job.stop = StopReason::lease_lost;
        } else if (result.job->status == ReplayStatus::cancelled) {
          job.stop = StopReason::cancelled;  // through another node
        } else if (!result.destination) {
          job.stop = StopReason::destination_deleted;
        } else {
          // Later deliveries use the destination as it is now (URL, headers, secret).
          job.destination = std::move(*result.destination);
          job.url = ParseTargetUrl(job.destination.url, false);
          continue;
        }
        job.wake.Cancel();
      }
    } catch (const std::exception& e) {
      log::Error("replay.renew_failed", {{"error", e.what()}});
    }
  }
}

asio::awaitable<bool> ReplayRunner::Prepare(Job& job) {
  const ReplayJob& record = job.record;
  try {
    job.scope = ScopeOfJob(record);
  } catch (const std::exception& e) {
    // Validated at creation; a stored filter that stopped compiling cannot be replayed.
    log::Error("replay.bad_filter", {{"job_id", record.id}, {"error", e.what()}});
    SetStatus(job, ReplayStatus::cancelled,
              std::string("the job's filter is invalid: ") + e.what());
    co_return false;
  }
  std::optional<Destination> destination =
      destinations_.Lookup(record.destination_id).value_or(std::nullopt);
  if (!destination) {
    destination = co_await store_.configuration.Run([&](ConfigurationStore& store) {
      return store.GetDestination(record.org_id, record.destination_id);
    });
    destinations_.Put(record.destination_id, destination);
  }
  if (!destination) {
    SetStatus(job, ReplayStatus::cancelled, "the destination was deleted");
    co_return false;
  }
  job.destination = std::move(*destination);
  job.url = ParseTargetUrl(job.destination.url, false);
  if (record.processed > 0) {
    // Captured by reference: GCC 12 destroys an owning init-capture of a lambda temporary in a
    // co_await expression twice.
    auto replayed = co_await store_.replays.Run(
        [&record](ReplayHistory& store) { return store.ListReplayedEventIds(record.id); });
    job.already_replayed.insert(replayed.begin(), replayed.end());
  }
  int rate = record.rate_limit;
  if (job.destination.rate_limit) rate = std::min(rate, *job.destination.rate_limit);
  rate = std::max(rate, 1);
  job.pacer = Pacer(rate);
  job.max_in_flight = std::clamp(rate, 1, options_.max_in_flight_per_job);
  job.started = record.processed;
  job.walk = ReplayWalk(record.cursor);
  co_return true;
}

asio::awaitable<void> ReplayRunner::Run(std::shared_ptr<Job> job) {
  const bool ready = co_await PrepareUntilReady(*job);
  if (ready) {
    log::Info("replay.started", {{"job_id", job->record.id},
                                 {"total", job->record.total},
                                 {"processed", job->record.processed}});
    co_await WalkScope(job);
    while (job->in_flight > 0) co_await Nap(*job, TimePoint::max());
    Finish(*job);
    RecordProgress();  // a node that stops leaves its jobs' progress recorded
  }
  metrics_.replay_paces().Forget(job->record.id);
  jobs_.erase(job->record.id);
}

asio::awaitable<bool> ReplayRunner::PrepareUntilReady(Job& job) {
  while (job.stop == StopReason::none) {
    bool failed = false;
    bool ready = false;
    try {
      ready = co_await Prepare(job);
    } catch (const std::exception& e) {
      log::Error("replay.prepare_failed", {{"job_id", job.record.id}, {"error", e.what()}});
      failed = true;
    }
    if (!failed) co_return ready;
    co_await Nap(job, timers_.Now() + std::chrono::seconds(1));
  }
  co_return false;
}

asio::awaitable<void> ReplayRunner::WalkScope(std::shared_ptr<Job> job) {
  ReadPosition position{job->record.cursor};
  while (job->stop == StopReason::none && job->started < job->record.total) {
    std::optional<Page> page = co_await ReadPage(*job, position);
    if (!page) {
      co_await Nap(*job, timers_.Now() + std::chrono::seconds(1));
      continue;
    }
    if (page->events.empty()) break;  // events were erased since the job was counted
    co_await SendPage(job, *page);
  }
}

asio::awaitable<std::optional<ReplayRunner::Page>> ReplayRunner::ReadPage(const Job& job,
                                                                          ReadPosition& position) {
  Page page;
  bool failed = false;
  try {
    page.events = co_await store_.events.Run([&, &history = store_.replays.role()](EventLog& log) {
      std::vector<Event> events = ReadReplayPage(log, job.scope, position.after,
                                                 position.average_body_bytes, options_.page_bytes);
      std::vector<std::string> ids;
      for (const Event& event : events) ids.push_back(event.id);
      page.earlier_results = history.LastResultsAtDestination(
          job.record.org_id, job.record.destination_id, ids, job.record.id);
      page.standings = StandingsOfPage(log, job.scope, events);
      return events;
    });
  } catch (const std::exception& e) {
    log::Error("replay.read_failed", {{"job_id", job.record.id}, {"error", e.what()}});
    failed = true;
  }
  if (failed) co_return std::nullopt;
  // The page may hold events whose capture is still waiting for its fsync (a range that
  // reaches the present): send none before they are durable.
  co_await AwaitDurable(writer_);
  if (page.events.empty()) co_return page;
  std::size_t body_bytes = 0;
  for (const Event& event : page.events) body_bytes += event.body.size();
  position.average_body_bytes = std::max<std::size_t>(1, body_bytes / page.events.size());
  position.after = Cursor{page.events.back().received_at, page.events.back().id};
  co_return page;
}

asio::awaitable<void> ReplayRunner::SendPage(std::shared_ptr<Job> job, Page& page) {
  for (std::size_t i = 0; i < page.events.size(); ++i) {
    Event& event = page.events[i];
    if (job->stop != StopReason::none || job->started >= job->record.total) break;
    const std::uint64_t ticket = job->walk.Walk(Cursor{event.received_at, event.id});
    if (!MatchesScope(job->scope, event, page.standings) ||
        job->already_replayed.erase(event.id) > 0) {
      job->walk.Done(ticket);
      continue;
    }
    std::optional<CircuitPass> pass = co_await WaitUntilSendable(*job);
    if (!pass) break;
    ++job->started;
    ++job->in_flight;
    asio::co_spawn(lane_io_,
                   Deliver(job, std::make_shared<const Event>(std::move(event)), ticket,
                           page.earlier_results[i], std::move(*pass)),
                   asio::detached);
  }
}

asio::awaitable<std::optional<CircuitPass>> ReplayRunner::WaitUntilSendable(Job& job) {
  for (;;) {
    if (job.stop != StopReason::none) co_return std::nullopt;
    if (job.in_flight >= job.max_in_flight) {
      co_await Nap(job, TimePoint::max());
      continue;
    }
    const auto next_start = job.pacer.NextStart();
    if (next_start > timers_.Now()) {
      co_await Nap(job, next_start);
      continue;
    }
    // A destination whose live deliveries are failing is left alone: replaying into an outage
    // only adds load. Only looked at, no probe taken: live traffic finds out when it recovers.
    const std::string& destination = job.destination.id;
    if (live_breakers_.Snapshot(destination).state == CircuitState::open) {
      co_await PauseFor(job, kLiveCircuitOpen, live_breakers_.RetryAt(destination));
      continue;
    }
    // Replay failures count on a circuit of their own, so a replay the consumer keeps refusing
    // pauses itself without cutting off live traffic. Last, because a half-open breaker hands
    // out a single probe slot that must then be used.
    std::optional<CircuitPass> pass = replay_breakers_.Enter(destination);
    if (!pass) {
      co_await PauseFor(job, kReplayCircuitOpen, replay_breakers_.RetryAt(destination));
      continue;
    }
    if (job.record.status == ReplayStatus::paused) SetStatus(job, ReplayStatus::running, "");
    const auto now = timers_.Now();
    metrics_.replay_paces().Started(job.record.id, job.record.rate_limit, now - next_start, now);
    job.pacer.Started(now);
    co_return pass;
  }
}

asio::awaitable<void> ReplayRunner::PauseFor(Job& job, const char* reason, TimeMs retry_at) {
  if (job.record.status != ReplayStatus::paused || job.record.status_reason != reason) {
    SetStatus(job, ReplayStatus::paused, reason);
  }
  const TimeMs wait = std::clamp<TimeMs>(retry_at - clock_.Now(), 10, 1000);
  co_await Nap(job, timers_.Now() + std::chrono::milliseconds(wait));
}

asio::awaitable<void> ReplayRunner::Deliver(std::shared_ptr<Job> job,
                                            std::shared_ptr<const Event> event,
                                            std::uint64_t ticket, std::optional<bool> earlier,
                                            CircuitPass pass) {
  OutboundResult result;
  std::optional<Reshaped> reshaped;
  std::optional<OutboundRequest> sent;  // kept for the record when a script reshaped it
  if (const auto* invalid = std::get_if<std::string>(&job->url)) {
    result.error = *invalid;
  } else {
    try {
      // Most jobs have no script: their deliveries skip the coroutine.
      if (job->record.transformation_id || job->record.connection_id) {
        reshaped = co_await Reshape(*job, *event);
      }
      if (!reshaped || reshaped->sends()) {
        auto body = std::shared_ptr<const std::string>(event, &event->body);
        OutboundRequest request =
            BuildDeliveryRequest(*event, body, job->destination, std::get<TargetUrl>(job->url),
                                 clock_.Now(), ReplayMarks{job->record.id, job->record.id_mode},
                                 reshaped ? &*reshaped->request : nullptr);
        if (reshaped) sent = request;
        result = co_await client_.Send(std::move(request));
      }
    } catch (const std::exception& e) {
      result.error = e.what();
    }
  }
  // A script that skipped the event or failed sent nothing: the circuit is left as it is.
  const bool sent_nothing = reshaped && !reshaped->sends();
  if (!sent_nothing) {
    metrics_.CountAttempt(DeliveryKind::replay_job, result.success(), result.response_time_ms);
    pass.Report(result.success());
  }

  DeliveryAttempt attempt = ReplayJobAttempt(job->record, *event, result, earlier, clock_.Now());
  if (reshaped) NoteTransformation(attempt, *reshaped, sent ? &*sent : nullptr);
  ReplayJob& record = job->record;
  ++record.processed;
  // A skipped event counts as processed only: it was neither delivered nor failed.
  if (!attempt.skipped) ++(attempt.success ? record.succeeded : record.failed);
  if (attempt.success) job->told_paused = false;
  if (attempt.outcome == ReplayOutcome::fixed) ++record.fixed;
  if (attempt.outcome == ReplayOutcome::regressed) ++record.regressed;
  job->walk.Done(ticket);
  --job->in_flight;
  ReplayProgress progress = ProgressOf(*job);
  progress.attempt = std::move(attempt);
  Submit(std::move(progress));
  job->wake.Cancel();
}

asio::awaitable<std::optional<Reshaped>> ReplayRunner::Reshape(const Job& job, const Event& event) {
  const ReplayJob& record = job.record;
  std::string id = record.transformation_id.value_or("");
  if (id.empty() && record.connection_id) {
    id = co_await transforms_.OfConnection(record.org_id, *record.connection_id);
  }
  if (id.empty()) co_return std::nullopt;
  TransformContext context;
  context.destination_id = record.destination_id;
  context.connection_id = record.connection_id.value_or("");
  context.replay_job_id = record.id;
  context.trigger = "replay";
  co_return co_await transforms_.Run(record.org_id, id, event, context);
}

asio::awaitable<void> ReplayRunner::Nap(Job& job, TimePoint deadline) {
  if (job.stop != StopReason::none && job.in_flight == 0) co_return;
  co_await job.wake.WaitUntil(deadline);
}

ReplayProgress ReplayRunner::ProgressOf(const Job& job) const {
  ReplayProgress progress;
  progress.job_id = job.record.id;
  progress.processed = job.record.processed;
  progress.succeeded = job.record.succeeded;
  progress.failed = job.record.failed;
  progress.fixed = job.record.fixed;
  progress.regressed = job.record.regressed;
  progress.cursor = job.walk.resume_after();
  return progress;
}

void ReplayRunner::SetStatus(Job& job, ReplayStatus status, std::string reason) {
  job.record.status = status;
  job.record.status_reason = reason;
  ReplayProgress progress = ProgressOf(job);
  progress.status = status;
  progress.status_reason = std::move(reason);
  if (status == ReplayStatus::completed || status == ReplayStatus::cancelled) {
    const TimeMs now = clock_.Now();
    progress.completed_at = now;
    progress.expires_at = now + options_.retention_ms;
  }
  log::Info("replay.status", {{"job_id", job.record.id},
                              {"status", std::string(ReplayStatusName(status))},
                              {"reason", progress.status_reason}});
  Submit(std::move(progress));
  RecordProgress();  // a change of status is told at once
  const bool tell = status == ReplayStatus::completed ||
                    (status == ReplayStatus::paused && !std::exchange(job.told_paused, true));
  if (tell && watcher_ != nullptr) watcher_->ReplayChanged(job.record);
}

void ReplayRunner::Finish(Job& job) {
  switch (job.stop) {
    case StopReason::none:
      SetStatus(job, ReplayStatus::completed, ShortfallReason(job.record, job.started));
      break;
    case StopReason::cancelled:
      // The cancellation is recorded already; this saves the final counters.
      Submit(ProgressOf(job));
      break;
    case StopReason::destination_deleted:
      SetStatus(job, ReplayStatus::cancelled, "the destination was deleted");
      break;
    case StopReason::lease_lost:
    case StopReason::node_stopping:
      break;  // another node (or this one, restarted) carries on from the persisted cursor
  }
}

void ReplayRunner::Submit(ReplayProgress progress) {
  unrecorded_.push_back(std::move(progress));
  if (options_.record_interval_ms <= 0 || stopping_) {
    RecordProgress();
  } else if (!std::exchange(record_scheduled_, true)) {
    asio::co_spawn(lane_io_, RecordProgressLater(), asio::detached);
  }
}

asio::awaitable<void> ReplayRunner::RecordProgressLater() {
  co_await record_timer_.WaitFor(std::chrono::milliseconds(options_.record_interval_ms));
  record_scheduled_ = false;
  RecordProgress();
}

void ReplayRunner::RecordProgress() {
  if (unrecorded_.empty()) return;
  const std::size_t records = unrecorded_.size();
  writer_.Submit(std::exchange(unrecorded_, {}), [records](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      log::Error("replay.record_failed", {{"records", records}, {"error", e.what()}});
    }
  });
}

}  // namespace rehook
