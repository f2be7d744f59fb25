// What the group commit costs per event on SQLite, captured only and captured then forwarded:
// the store work of rehook's commit thread (and the checkpointer), without HTTP. Each iteration
// applies and fsyncs one batch the way BatchWriter does: 16 captured events, and when forwarding,
// each with a delivery task and the 16 outcomes (attempt, finished task) of the batch before.
// CPU is the whole process's (commit, fsync and checkpoint threads), per event.
//
//   bench/commit_cost.sh   builds this with -DREHOOK_BENCH=ON and runs it
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/ids.h"
#include "store/sqlite/sqlite_store.h"
#include "store/write_batch.h"

namespace rehook {
namespace {

constexpr int kEventsPerBatch = 16;

class Fixture {
 public:
  Fixture() {
    dir_ = std::filesystem::temp_directory_path() /
           ("rehook-commit-cost-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::make_unique<SqliteStore>((dir_ / "rehook.db").string());
    org_ = Organization{NewId("org", now_), "acme", 30, now_};
    store_->tenancy().InsertOrganization(org_);
    source_ = Source{NewId("src", now_), org_.id, "stripe", "{}", now_, now_};
    store_->configuration().InsertSource(source_);
    destination_id_ = NewId("dst", now_);
    connection_id_ = NewId("con", now_);
    body_ = std::string(1000, 'x');
  }
  ~Fixture() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // One batch; `forwarding` adds a task per event and the outcomes of the previous batch.
  void CommitBatch(bool forwarding) {
    WriteBatch batch;
    std::vector<DeliveryTask> tasks;
    for (int i = 0; i < kEventsPerBatch; ++i) {
      ++now_;
      auto event = std::make_shared<Event>();
      event->id = NewId("evt", now_);
      event->org_id = org_.id;
      event->source_id = source_.id;
      event->received_at = now_;
      event->method = "POST";
      event->path = "/";
      event->headers = {{"Content-Type", "application/json"}, {"User-Agent", "Stripe/1.0"}};
      event->client_ip = "127.0.0.1";
      event->size = static_cast<std::int64_t>(body_.size());
      event->body = body_;
      NewEvent item{event, {}, std::nullopt};
      if (forwarding) {
        DeliveryTask task;
        task.id = NewId("tsk", now_);
        task.org_id = org_.id;
        task.event_id = event->id;
        task.destination_id = destination_id_;
        task.connection_id = connection_id_;
        task.next_attempt_at = now_;
        // Leased to the capturing node, as PlanDeliveries does for every live delivery.
        task.lease_owner = "bench-node";
        task.lease_until = now_ + 30'000;
        task.created_at = now_;
        item.tasks.push_back(task);
        tasks.push_back(std::move(task));
      }
      batch.events.push_back(std::move(item));
    }
    for (const DeliveryTask& task : previous_tasks_) batch.task_updates.push_back(Outcome(task));
    previous_tasks_ = std::move(tasks);
    store_->events().ApplyBatch(batch);
    store_->events().SyncBatches();
  }

 private:
  TaskUpdate Outcome(const DeliveryTask& task) {
    DeliveryAttempt attempt;
    attempt.id = NewId("del", now_);
    attempt.org_id = task.org_id;
    attempt.event_id = task.event_id;
    attempt.source_id = source_.id;
    attempt.destination_id = task.destination_id;
    attempt.connection_id = task.connection_id;
    attempt.status_code = 200;
    attempt.response_time_ms = 1;
    attempt.success = true;
    attempt.created_at = now_;
    return TaskUpdate::Of(task, std::move(attempt), std::nullopt);  // delivered at the first try
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  TimeMs now_ = 1'790'000'000'000;
  Organization org_;
  Source source_;
  std::string destination_id_;
  std::string connection_id_;
  std::string body_;
  std::vector<DeliveryTask> previous_tasks_;
};

// Bytes this process has handed to write(2)/pwrite(2) so far (WAL frames, checkpoints): unlike
// CPU time, not moved by other work on a shared machine.
double BytesWritten() {
  std::ifstream io("/proc/self/io");
  std::string key;
  double value = 0;
  while (io >> key >> value) {
    if (key == "wchar:") return value;
  }
  return 0;
}

void CommitBatches(benchmark::State& state, bool forwarding) {
  Fixture fixture;
  const double written_before = BytesWritten();
  if (written_before <= 0) {
    state.SkipWithError("cannot read wchar from /proc/self/io");
    return;
  }
  for (auto _ : state) fixture.CommitBatch(forwarding);
  const double events = static_cast<double>(state.iterations() * kEventsPerBatch);
  state.SetItemsProcessed(state.iterations() * kEventsPerBatch);
  state.counters["bytes_written_per_event"] = (BytesWritten() - written_before) / events;
  state.counters["events_per_batch"] = kEventsPerBatch;
}

void BM_CaptureOnly(benchmark::State& state) { CommitBatches(state, false); }
void BM_CaptureAndForward(benchmark::State& state) { CommitBatches(state, true); }

BENCHMARK(BM_CaptureOnly)->MeasureProcessCPUTime()->UseRealTime()->Iterations(1500)->Repetitions(7);
BENCHMARK(BM_CaptureAndForward)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(1500)
    ->Repetitions(7);

}  // namespace
}  // namespace rehook

BENCHMARK_MAIN();
