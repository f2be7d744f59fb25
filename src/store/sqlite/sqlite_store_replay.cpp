// SqliteStore: replay jobs and single-request replays.
#include "store/sqlite/sqlite_rows.h"
#include "store/sqlite/sqlite_store.h"

namespace rehook {

std::vector<Event> SqliteStore::ListEventsForReplay(const ReplayRange& range) {
  // Only the conditions in use go into the SQL, so SQLite walks the (source|org, received_at)
  // index forwards from the cursor (sorting each millisecond's events by id).
  std::string sql = std::string("SELECT ") + rows::kEventColumns +
                    (range.with_bodies ? ", body" : "") +
                    " FROM events WHERE org_id = ?1 AND received_at >= ?3 AND received_at <= ?4";
  if (range.source_id) sql += " AND source_id = ?2";
  if (range.after) sql += " AND received_at >= ?5 AND (received_at, id) > (?5, ?6)";
  sql += " ORDER BY received_at, id LIMIT ?7";

  auto db = readers_.Acquire();
  auto select = db->Prepare(sql);
  select->Bind(1, range.org_id);
  if (range.source_id) select->Bind(2, *range.source_id);
  select->Bind(3, range.from);
  select->Bind(4, range.to);
  if (range.after) {
    select->Bind(5, range.after->time);
    select->Bind(6, range.after->id);
  }
  select->Bind(7, range.limit);
  std::vector<Event> events;
  while (select->Step()) {
    events.push_back(rows::ReadEvent(*select));
    if (range.with_bodies) events.back().body = select->Bytes(rows::kEventBodyColumn);
  }
  return events;
}

void SqliteStore::InsertReplayJob(const ReplayJob& job) {
  WithWriter([&](sqlite::Database& db) {
    auto insert =
        db.Prepare(std::string("INSERT INTO replay_jobs (") + rows::kReplayJobColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                   "?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)");
    insert->BindAll(job.id, job.org_id, job.destination_id, job.source_id, job.connection_id,
                    job.filter_json, job.from, job.to, job.rate_limit, job.max_events,
                    ReplayStatusName(job.status), job.status_reason, job.total, job.processed,
                    job.succeeded, job.failed,
                    job.cursor ? std::optional(job.cursor->time) : std::nullopt,
                    job.cursor ? std::optional(job.cursor->id) : std::nullopt, job.created_at,
                    job.started_at, job.completed_at, job.expires_at, job.lease_owner,
                    job.lease_until, ReplayIdModeName(job.id_mode), job.fixed, job.regressed);
    insert->Run();
  });
}

std::optional<ReplayJob> SqliteStore::GetReplayJob(const std::string& org_id,
                                                   const std::string& id) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(std::string("SELECT ") + rows::kReplayJobColumns +
                            " FROM replay_jobs WHERE org_id = ?1 AND id = ?2");
  select->BindAll(org_id, id);
  if (!select->Step()) return std::nullopt;
  return rows::ReadReplayJob(*select);
}

Page<ReplayJob> SqliteStore::ListReplayJobs(const std::string& org_id, TimeMs now,
                                            const PageRequest& page) {
  auto db = readers_.Acquire();
  auto select =
      db->Prepare(std::string("SELECT ") + rows::kReplayJobColumns +
                  " FROM replay_jobs WHERE org_id = ?1 AND (expires_at IS NULL OR expires_at > ?5) "
                  "AND (?2 IS NULL OR (created_at, id) < (?2, ?3)) "
                  "ORDER BY created_at DESC, id DESC LIMIT ?4");
  select->Bind(1, org_id);
  select->Bind(2, page.after ? std::optional(page.after->time) : std::nullopt);
  select->Bind(3, page.after ? page.after->id : std::string());
  select->Bind(4, page.limit + 1);
  select->Bind(5, now);
  return sqlite::CollectPage<ReplayJob>(*select, page.limit, rows::ReadReplayJob<sqlite::Statement>,
                                        [](const ReplayJob& job) { return job.created_at; });
}

bool SqliteStore::CancelReplayJob(const std::string& org_id, const std::string& id, TimeMs now,
                                  TimeMs expires_at) {
  return WithWriter([&](sqlite::Database& db) {
    auto cancel = db.Prepare(
        "UPDATE replay_jobs SET status = 'cancelled', status_reason = 'cancelled through the API', "
        "completed_at = ?3, expires_at = ?4 "
        "WHERE org_id = ?1 AND id = ?2 AND status IN ('running', 'paused')");
    cancel->BindAll(org_id, id, now, expires_at);
    cancel->Run();
    return db.Changes() > 0;
  });
}

std::vector<ReplayJob> SqliteStore::ClaimReplayJobs(TimeMs now, const std::string& owner,
                                                    TimeMs lease_until, int limit) {
  // Leases need not survive a crash (a lost lease only frees the job early), so no fsync.
  return WithWriterUnsynced([&](sqlite::Database& db) {
    auto claim = db.Prepare(
        std::string("UPDATE replay_jobs SET lease_owner = ?1, lease_until = ?2 WHERE id IN ("
                    "SELECT id FROM replay_jobs WHERE status IN ('running', 'paused') AND "
                    "(lease_owner = '' OR lease_until <= ?3) ORDER BY created_at LIMIT ?4) "
                    "RETURNING ") +
        rows::kReplayJobColumns);
    claim->BindAll(owner, lease_until, now, limit);
    std::vector<ReplayJob> jobs;
    while (claim->Step()) jobs.push_back(rows::ReadReplayJob(*claim));
    return jobs;
  });
}

std::optional<ReplayJob> SqliteStore::RenewReplayLease(const std::string& id,
                                                       const std::string& owner,
                                                       TimeMs lease_until) {
  return WithWriterUnsynced([&](sqlite::Database& db) -> std::optional<ReplayJob> {
    auto renew = db.Prepare(
        std::string("UPDATE replay_jobs SET lease_until = ?3 WHERE id = ?1 AND lease_owner = ?2 "
                    "RETURNING ") +
        rows::kReplayJobColumns);
    renew->BindAll(id, owner, lease_until);
    if (!renew->Step()) return std::nullopt;
    ReplayJob job = rows::ReadReplayJob(*renew);
    while (renew->Step()) {
    }
    return job;
  });
}

Page<DeliveryAttempt> SqliteStore::ListAttemptsOfJob(const std::string& org_id,
                                                     const std::string& job_id,
                                                     std::optional<ReplayOutcome> outcome,
                                                     const PageRequest& page) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(std::string("SELECT ") + rows::kAttemptColumns +
                            " FROM delivery_attempts WHERE replay_job_id = ?1 AND org_id = ?2 "
                            "AND (?3 IS NULL OR outcome = ?3) "
                            "AND (?4 IS NULL OR (created_at, id) > (?4, ?5)) "
                            "ORDER BY created_at, id LIMIT ?6");
  select->BindAll(job_id, org_id, rows::OutcomeColumn(outcome),
                  page.after ? std::optional(page.after->time) : std::nullopt,
                  page.after ? page.after->id : std::string(), page.limit + 1);
  return sqlite::CollectPage<DeliveryAttempt>(
      *select, page.limit, rows::ReadAttempt<sqlite::Statement>,
      [](const DeliveryAttempt& attempt) { return attempt.created_at; });
}

std::unordered_map<std::string, bool> SqliteStore::LastResultsAtDestination(
    const std::string& org_id, const std::string& destination_id,
    const std::vector<std::string>& event_ids, const std::string& job_id) {
  std::unordered_map<std::string, bool> results;
  if (event_ids.empty()) return results;
  auto db = readers_.Acquire();
  // One lookup per event, walking its attempts newest first (delivery_attempts_by_event) and
  // stopping at the first that counts: with many jobs replaying the same events, reading all
  // of an event's attempts would cost each job the work of every job before it.
  auto select = db->Prepare(
      "SELECT success FROM delivery_attempts WHERE event_id = ?1 AND org_id = ?2 AND "
      "destination_id = ?3 AND (replay_job_id IS NULL OR replay_job_id <> ?4) "
      "ORDER BY seq DESC LIMIT 1");
  for (const std::string& event_id : event_ids) {
    select->BindAll(event_id, org_id, destination_id, job_id);
    if (select->Step()) results[event_id] = select->Int64(0) != 0;
    select->Reset();
  }
  return results;
}

std::vector<std::string> SqliteStore::ListReplayedEventIds(const std::string& job_id) {
  auto db = readers_.Acquire();
  auto select = db->Prepare("SELECT event_id FROM delivery_attempts WHERE replay_job_id = ?1");
  select->BindAll(job_id);
  std::vector<std::string> ids;
  while (select->Step()) ids.push_back(select->Text(0));
  return ids;
}

int SqliteStore::DeleteExpiredReplayJobs(TimeMs now, int limit) {
  return WithWriter([&](sqlite::Database& db) {
    auto remove = db.Prepare(
        "DELETE FROM replay_jobs WHERE id IN (SELECT id FROM replay_jobs WHERE expires_at IS NOT "
        "NULL AND expires_at <= ?1 LIMIT ?2)");
    remove->BindAll(now, limit);
    remove->Run();
    return static_cast<int>(db.Changes());
  });
}

void SqliteStore::InsertSingleReplay(const SingleReplay& replay) {
  WithWriter([&](sqlite::Database& db) {
    auto insert =
        db.Prepare(std::string("INSERT INTO single_replays (") + rows::kSingleReplayColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    insert->BindAll(replay.id, replay.org_id, replay.source_id, replay.event_id, replay.target_url,
                    replay.status_code, replay.response_time_ms, replay.success, replay.error,
                    replay.created_at, rows::OutcomeColumn(replay.outcome),
                    sqlite::Blob{replay.response_body});
    insert->Run();
  });
}

std::optional<bool> SqliteStore::LastResultAtUrl(const std::string& org_id,
                                                 const std::string& event_id,
                                                 const std::string& url) {
  auto db = readers_.Acquire();
  auto replay = db->Prepare(
      "SELECT success, created_at FROM single_replays WHERE event_id = ?1 AND org_id = ?2 AND "
      "target_url = ?3 ORDER BY seq DESC LIMIT 1");
  replay->BindAll(event_id, org_id, url);
  auto attempt = db->Prepare(
      "SELECT a.success, a.created_at FROM delivery_attempts a JOIN destinations d ON "
      "d.id = a.destination_id WHERE a.event_id = ?1 AND a.org_id = ?2 AND d.url = ?3 "
      "ORDER BY a.seq DESC LIMIT 1");
  attempt->BindAll(event_id, org_id, url);
  std::optional<bool> last;
  TimeMs last_at = 0;
  for (sqlite::Statement* select : {&*replay, &*attempt}) {
    if (select->Step() && (!last || select->Int64(1) >= last_at)) {
      last = select->Int64(0) != 0;
      last_at = select->Int64(1);
    }
  }
  return last;
}

std::vector<SingleReplay> SqliteStore::ListSingleReplays(const std::string& org_id,
                                                         const std::string& event_id) {
  auto db = readers_.Acquire();
  auto select =
      db->Prepare(std::string("SELECT ") + rows::kSingleReplayColumns +
                  " FROM single_replays WHERE event_id = ?1 AND org_id = ?2 ORDER BY seq");
  select->BindAll(event_id, org_id);
  std::vector<SingleReplay> replays;
  while (select->Step()) replays.push_back(rows::ReadSingleReplay(*select));
  return replays;
}

}  // namespace rehook
