#include "store/postgres/pg_event_log.h"

#include <algorithm>
#include <tuple>

#include "common/ids.h"
#include "common/random.h"
#include "store/header_codec.h"
#include "store/job_progress.h"
#include "store/postgres/pg_days.h"
#include "store/postgres/pg_multi_row.h"
#include "store/sql/batch_sql.h"

namespace rehook {

using pg::Params;

namespace {

const std::string kEventColumnList =
    "id, org_id, source_id, received_at, method, path, query, headers, client_ip, size, "
    "verified, body";
// The events and tasks of captures without a dedup key, many rows per statement.
const pg::MultiRowInsert kInsertEvents("events", kEventColumnList);
const pg::MultiRowInsert kInsertTasks("delivery_tasks", rows::kTaskColumns);
// Deduplicated capture, in four statements of the batch's pipeline (no statement can branch on
// another's result): take the key unless an event holds it within the window, insert the event
// and its tasks only if the key is now the event's, then read who holds the key. A concurrent
// claim by another node waits on the key's row lock and then sees the winner's row.
const std::string kClaimDedupKey =
    "INSERT INTO dedup_keys (source_id, key_hash, event_id, seen_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (source_id, key_hash) DO UPDATE SET event_id = EXCLUDED.event_id, "
    "seen_at = EXCLUDED.seen_at WHERE dedup_keys.seen_at < ?5";
const std::string kInsertEventHoldingKey =
    "INSERT INTO events (" + kEventColumnList +
    ") SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 "
    "WHERE EXISTS (SELECT 1 FROM dedup_keys WHERE source_id = ?3 AND key_hash = ?13 "
    "AND event_id = ?1)";
// Events have no index on id (schema 15): an event is found through its (org, received_at) index
// entry, the time its id carries (?11 here), and picked out of that millisecond's rows by id.
const std::string kInsertTaskOfStoredEvent =
    std::string("INSERT INTO delivery_tasks (") + rows::kTaskColumns +
    ") SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 WHERE EXISTS (SELECT 1 FROM events "
    "WHERE org_id = ?2 AND received_at = ?11 AND id = ?3)";
// A traffic rollup's addition (batch_sql::kAddTraffic), counted only if event ?11 of org ?1,
// received at ?12, was stored (a deduplicated capture may not be).
const std::string kAddTrafficIfStored =
    batch_sql::kAddTrafficColumns +
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 WHERE EXISTS (SELECT 1 FROM events WHERE "
    "org_id = ?1 AND received_at = ?12 AND id = ?11)" +
    batch_sql::kAddTrafficOnConflict;
const std::string kDedupKeyHolder =
    "SELECT event_id FROM dedup_keys WHERE source_id = ?1 AND key_hash = ?2";
const std::string kRescheduleTask = batch_sql::kRescheduleTask;
const std::string kFinishTask = batch_sql::kFinishTask;
const std::string kUpdateReplayProgress = batch_sql::kUpdateReplayProgress;

// Collects values as the parameters of one pipelined statement.
constexpr auto kAsParams = [](const auto&... values) { return Params(values...); };

// Request paths and queries are bytea here (captured bytes need not be UTF-8).
void AddEventValues(Params& params, const Event& event) {
  params.Add(event.id);
  params.Add(event.org_id);
  params.Add(event.source_id);
  params.Add(event.received_at);
  params.Add(event.method);
  params.Add(pg::Bytes{event.path});
  params.Add(pg::Bytes{event.query});
  params.Add(pg::Bytes{EncodeHeaders(event.headers)});
  params.Add(event.client_ip);
  params.Add(event.size);
  params.Add(event.verified);
  params.Add(pg::Bytes{event.body});
}

void AddTaskValues(Params& params, const DeliveryTask& task) {
  batch_sql::WithTaskValues(task, [&](const auto&... values) { (params.Add(values), ...); });
}

// The batch's additions to the traffic rollups, last in the batch and in key order, so that
// batches of this node and others lock rows in one order. A deduplicated capture counts only if
// its event was stored, which only the pipeline itself can tell: its rows are added on that
// condition, one statement each.
void AddTrafficStatements(const WriteBatch& batch, int shard,
                          std::vector<pg::Connection::Statement>& statements) {
  TrafficRollup certain;
  std::vector<std::tuple<TrafficKey, TrafficCounts, const std::string*>> conditional;
  for (const NewEvent& item : batch.events) {
    if (!item.dedup) {
      AddCapture(certain, item);
      continue;
    }
    TrafficRollup own;
    AddCapture(own, item);
    for (const auto& [key, counts] : own) conditional.emplace_back(key, counts, &item.event->id);
  }
  AddAttempts(certain, batch);
  std::vector<std::tuple<TrafficKey, TrafficCounts, const std::string*>> all =
      std::move(conditional);
  for (const auto& [key, counts] : certain) all.emplace_back(key, counts, nullptr);
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
  for (const auto& [key, counts, event_id] : all) {
    Params params = batch_sql::WithTrafficValues(key, counts, shard, kAsParams);
    if (event_id == nullptr) {
      statements.push_back({&batch_sql::kAddTraffic, std::move(params)});
    } else {
      params.Add(*event_id);
      params.Add(IdTime(*event_id, "evt").value_or(0));
      statements.push_back({&kAddTrafficIfStored, std::move(params)});
    }
  }
}

// `holders` gets one slot per batch event (filled for events with a dedup claim); it must not
// move until the statements have run.
std::vector<pg::Connection::Statement> BatchStatements(
    const WriteBatch& batch, int shard, std::vector<std::optional<pg::Result>>& holders) {
  std::vector<pg::Connection::Statement> statements;
  holders.resize(batch.events.size());
  std::vector<const Event*> plain_events;
  std::vector<const DeliveryTask*> plain_tasks;
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const NewEvent& item = batch.events[i];
    const Event& event = *item.event;
    RequireIdCarriesTime(event);  // GetEvent finds an event through the time its id carries
    if (!item.dedup) {
      plain_events.push_back(&event);
      for (const DeliveryTask& task : item.tasks) plain_tasks.push_back(&task);
      continue;
    }
    const std::string& key_hash = item.dedup->key_hash;
    statements.push_back({&kClaimDedupKey, Params(event.source_id, key_hash, event.id,
                                                  event.received_at, item.dedup->window_start)});
    Params event_params;
    AddEventValues(event_params, event);
    event_params.Add(key_hash);
    statements.push_back({&kInsertEventHoldingKey, std::move(event_params)});
    for (const DeliveryTask& task : item.tasks) {
      Params task_params = batch_sql::WithTaskValues(task, kAsParams);
      task_params.Add(event.received_at);
      statements.push_back({&kInsertTaskOfStoredEvent, std::move(task_params)});
    }
    statements.push_back({&kDedupKeyHolder, Params(event.source_id, key_hash), &holders[i]});
  }
  kInsertEvents.Append(plain_events, AddEventValues, statements);
  kInsertTasks.Append(plain_tasks, AddTaskValues, statements);
  // An attempt, with the standing of its event at the destination.
  auto add_attempt = [&](const DeliveryAttempt& attempt) {
    statements.push_back(
        {&batch_sql::kInsertAttempt, batch_sql::WithAttemptValues(attempt, kAsParams)});
    if (attempt.skipped) return;
    statements.push_back(
        {&batch_sql::kUpdateStanding, batch_sql::WithStandingValues(attempt, kAsParams)});
  };
  for (const TaskUpdate& update : batch.task_updates) {
    if (update.attempt) add_attempt(*update.attempt);
    if (update.retry_at) {
      statements.push_back({&kRescheduleTask, Params(update.task_id, update.connection_id,
                                                     update.attempt ? 1 : 0, *update.retry_at)});
    } else {
      statements.push_back({&kFinishTask, Params(update.task_id, update.connection_id)});
    }
  }
  for (const ReplayProgress& delivery : batch.replay_progress) {
    if (delivery.attempt) add_attempt(*delivery.attempt);
  }
  for (const ReplayProgress& job : LastProgressPerJob(batch.replay_progress)) {
    statements.push_back(
        {&kUpdateReplayProgress, batch_sql::WithReplayProgressValues(job, kAsParams)});
  }
  for (const DeliveryAttempt& attempt : batch.attempts) add_attempt(attempt);
  // Destinations, then rollups, each in key order: every batch locks rows in the same order.
  for (const HealthChange& change : HealthChanges(batch)) {
    batch_sql::WithHealthChange(change, [&](const std::string& sql, const auto&... values) {
      statements.push_back({&sql, Params(values...)});
    });
  }
  AddTrafficStatements(batch, shard, statements);
  return statements;
}

// One statement erases the events `doomed` selects (id, org_id, received_at) with everything
// recorded about them: the data-modifying CTEs share one snapshot, so the same ids go from every
// table.
std::string EraseEventsSql(const std::string& doomed) {
  std::string sql = "WITH doomed AS (" + doomed + ")";
  for (const char* table : {"delivery_tasks", "delivery_attempts", "delivery_standings",
                            "single_replays", "dedup_keys"}) {
    sql += std::string(", erased_") + table + " AS (DELETE FROM " + table +
           " WHERE event_id IN (SELECT id FROM doomed))";
  }
  return sql +
         " DELETE FROM events WHERE (org_id, received_at, id) IN (SELECT org_id, received_at, id "
         "FROM doomed)";
}

const std::string kDeleteEvent = EraseEventsSql(
    "SELECT id, org_id, received_at FROM events WHERE org_id = ?2 AND received_at = ?3 AND "
    "id = ?1");
// The limit is written into the SQL, not bound: PostgreSQL's generic plan guesses a bound
// limit at a tenth of the table, and then hashes every event of the range instead of looking up
// the few doomed ones (measured: 104 ms against 2 ms for 500 of 300 000 events).
std::string DeleteEventsBeforeSql(int limit) {
  return EraseEventsSql(
      "SELECT id, org_id, received_at FROM events WHERE org_id = ?1 AND received_at < ?2 "
      "ORDER BY received_at LIMIT " +
      std::to_string(limit));
}

// Days made ahead of their events (store/postgres/pg_days.h): today's and two more, so that a
// sweep or two may fail without a day's events going to the default partition.
constexpr int kDaysAhead = 2;

constexpr int kTrafficShards = 64;

int DrawTrafficShard() {
  std::uint8_t byte = 0;
  FillRandom(&byte, 1);
  return byte % kTrafficShards;
}

}  // namespace

PgEventLog::PgEventLog(pg::PgBackend& backend)
    : SqlEventLog(backend), pg_(backend), traffic_shard_(DrawTrafficShard()) {}

BatchResult PgEventLog::ApplyBatch(const WriteBatch& batch) {
  BatchResult result;
  if (batch.empty()) return result;
  std::vector<std::optional<pg::Result>> holders;
  auto statements = BatchStatements(batch, traffic_shard_, holders);
  auto db = pg_.pool().Acquire();
  db->ExecPipelined(statements);
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    std::string original;
    if (batch.events[i].dedup) {
      if (!holders[i] || holders[i]->rows() == 0) {
        throw StoreError("postgres: batch: no holder for a dedup key just claimed");
      }
      original = holders[i]->row(0).Text(0);
      if (original == batch.events[i].event->id) original.clear();
    }
    result.duplicate_of.push_back(std::move(original));
  }
  return result;
}

bool PgEventLog::DeleteEvent(const std::string& org_id, const std::string& id) {
  const std::optional<TimeMs> received_at = IdTime(id, "evt");
  if (!received_at) return false;
  return backend_.Write([&](sql::Session& db) {
    return db.Prepare(kDeleteEvent)->BindAll(id, org_id, *received_at).Run() > 0;
  });
}

int PgEventLog::DeleteEventsBefore(const std::string& org_id, TimeMs cutoff, int limit) {
  return backend_.Write([&](sql::Session& db) {
    return static_cast<int>(
        db.Prepare(DeleteEventsBeforeSql(limit))->BindAll(org_id, cutoff).Run());
  });
}

TimeMs PgEventLog::ErasureCutoff(TimeMs cutoff) { return pg::DayStart(cutoff); }

std::int64_t PgEventLog::DropExpiredDays(
    const std::unordered_map<std::string, TimeMs>& cutoff_by_org) {
  auto db = pg_.pool().Acquire();
  return pg::DropExpiredDays(*db, cutoff_by_org);
}

void PgEventLog::PrepareDays(TimeMs now) {
  auto db = pg_.pool().Acquire();
  pg::PrepareDays(*db, now, kDaysAhead);
  latest_now_ = now;
}

std::optional<SqlEventLog::Windowing> PgEventLog::ListingWindows() const {
  const TimeMs anchor = latest_now_;
  if (anchor == 0) return std::nullopt;  // before the first PrepareDays: one query per page
  return Windowing{{pg::kDayMs, 64 * pg::kDayMs}, anchor};
}

}  // namespace rehook
