#include "store/sql/sql_replay_history.h"

#include "store/row_readers.h"
#include "store/sql/sql_paging.h"

namespace rehook {

void SqlReplayHistory::InsertReplayJob(const ReplayJob& job) {
  static const std::string sql =
      std::string("INSERT INTO replay_jobs (") + rows::kReplayJobColumns +
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
      "?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)";
  backend_.Write([&](sql::Session& db) {
    db.Prepare(sql)
        ->BindAll(job.id, job.org_id, job.destination_id, job.source_id, job.connection_id,
                  job.filter_json, job.from, job.to, job.rate_limit, job.max_events,
                  ReplayStatusName(job.status), job.status_reason, job.total, job.processed,
                  job.succeeded, job.failed,
                  job.cursor ? std::optional(job.cursor->time) : std::nullopt,
                  job.cursor ? std::optional(job.cursor->id) : std::nullopt, job.created_at,
                  job.started_at, job.completed_at, job.expires_at, job.lease_owner,
                  job.lease_until, ReplayIdModeName(job.id_mode), job.fixed, job.regressed,
                  ReplayOnlyName(job.only), job.transformation_id)
        .Run();
  });
}

std::optional<ReplayJob> SqlReplayHistory::GetReplayJob(const std::string& org_id,
                                                        const std::string& id) {
  static const std::string sql = std::string("SELECT ") + rows::kReplayJobColumns +
                                 " FROM replay_jobs WHERE org_id = ?1 AND id = ?2";
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(sql)->BindAll(org_id, id).ReadFirst(rows::ReadReplayJob<sql::Statement>);
  });
}

Page<ReplayJob> SqlReplayHistory::ListReplayJobs(const std::string& org_id, TimeMs now,
                                                 const PageRequest& page) {
  static const std::string sql =
      std::string("SELECT ") + rows::kReplayJobColumns +
      " FROM replay_jobs WHERE org_id = ?1 AND (expires_at IS NULL OR expires_at > ?2) AND " +
      sql::NewestFirstPage(3);
  return backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(sql);
    select->BindAll(org_id, now);
    sql::BindPage(*select, page);
    return sql::ReadPage<ReplayJob>(*select, page, rows::ReadReplayJob<sql::Statement>);
  });
}

bool SqlReplayHistory::CancelReplayJob(const std::string& org_id, const std::string& id, TimeMs now,
                                       TimeMs expires_at) {
  return backend_.Write([&](sql::Session& db) {
    return db.Prepare(
                 "UPDATE replay_jobs SET status = 'cancelled', "
                 "status_reason = 'cancelled through the API', completed_at = ?3, "
                 "expires_at = ?4 WHERE org_id = ?1 AND id = ?2 "
                 "AND status IN ('running', 'paused')")
               ->BindAll(org_id, id, now, expires_at)
               .Run() > 0;
  });
}

Page<DeliveryAttempt> SqlReplayHistory::ListAttemptsOfJob(const std::string& org_id,
                                                          const std::string& job_id,
                                                          std::optional<ReplayOutcome> outcome,
                                                          const PageRequest& page) {
  // Oldest first, unlike the configuration lists.
  static const std::string sql = std::string("SELECT ") + rows::kAttemptColumns +
                                 " FROM delivery_attempts WHERE replay_job_id = ?1 AND "
                                 "org_id = ?2 AND (?3 IS NULL OR outcome = ?3) "
                                 "AND (?4 IS NULL OR (created_at, id) > (?4, ?5)) "
                                 "ORDER BY created_at, id LIMIT ?6";
  return backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(sql);
    select->BindAll(job_id, org_id, rows::OutcomeColumn(outcome));
    sql::BindPage(*select, page);
    return sql::ReadPage<DeliveryAttempt>(*select, page, rows::ReadAttempt<sql::Statement>);
  });
}

std::vector<std::optional<bool>> SqlReplayHistory::LastResultsAtDestination(
    const std::string& org_id, const std::string& destination_id,
    const std::vector<std::string>& event_ids, const std::string& job_id) {
  std::vector<std::optional<bool>> results(event_ids.size());
  if (event_ids.empty()) return results;
  // The whole page in one statement; per event, its attempts newest first
  // (delivery_attempts_by_event), stopping at the first that counts: with many jobs replaying
  // the same events, reading all of an event's attempts would cost each job the work of every
  // job before it.
  // Each id with its place in `event_ids`, which the row gives back.
  std::string sql = "WITH page(i, id) AS (VALUES ";
  for (std::size_t i = 0; i < event_ids.size(); ++i) {
    sql += (i ? ", (" : "(") + std::to_string(i) + ", ?" + std::to_string(i + 4) + ")";
  }
  sql +=
      ") SELECT page.i, (SELECT success FROM delivery_attempts WHERE event_id = page.id AND "
      "org_id = ?1 AND destination_id = ?2 AND (replay_job_id IS NULL OR replay_job_id <> ?3) "
      "ORDER BY seq DESC LIMIT 1) FROM page";
  backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(sql);
    select->BindAll(org_id, destination_id, job_id);
    for (const std::string& id : event_ids) select->Bind(id);
    while (select->Step()) {
      const auto i = static_cast<std::size_t>(select->Int64(0));
      if (!select->IsNull(1) && i < results.size()) results[i] = select->Int64(1) != 0;
    }
  });
  return results;
}

std::vector<std::string> SqlReplayHistory::ListReplayedEventIds(const std::string& job_id) {
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare("SELECT event_id FROM delivery_attempts WHERE replay_job_id = ?1")
        ->BindAll(job_id)
        .ReadAll([](const sql::Statement& row) { return row.Text(0); });
  });
}

int SqlReplayHistory::DeleteExpiredReplayJobs(TimeMs now, int limit) {
  return backend_.Write([&](sql::Session& db) {
    return static_cast<int>(
        db.Prepare("DELETE FROM replay_jobs WHERE id IN (SELECT id FROM replay_jobs WHERE "
                   "expires_at IS NOT NULL AND expires_at <= ?1 LIMIT ?2)")
            ->BindAll(now, limit)
            .Run());
  });
}

void SqlReplayHistory::InsertSingleReplay(const SingleReplay& replay) {
  static const std::string sql = std::string("INSERT INTO single_replays (") +
                                 rows::kSingleReplayColumns +
                                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
  backend_.Write([&](sql::Session& db) {
    db.Prepare(sql)
        ->BindAll(replay.id, replay.org_id, replay.source_id, replay.event_id, replay.target_url,
                  replay.status_code, replay.response_time_ms, replay.success, replay.error,
                  replay.created_at, rows::OutcomeColumn(replay.outcome),
                  sql::Blob{replay.response_body})
        .Run();
  });
}

std::optional<bool> SqlReplayHistory::LastResultAtUrl(const std::string& org_id,
                                                      const std::string& event_id,
                                                      const std::string& url) {
  // The last single replay to the URL and the last attempt to a destination with that URL now;
  // the later of the two (the attempt, when both have the same time).
  return backend_.Read([&](sql::Session& db) {
    std::optional<bool> last;
    TimeMs last_at = 0;
    for (const char* sql :
         {"SELECT success, created_at FROM single_replays WHERE event_id = ?1 AND org_id = ?2 "
          "AND target_url = ?3 ORDER BY seq DESC LIMIT 1",
          "SELECT a.success, a.created_at FROM delivery_attempts a JOIN destinations d ON "
          "d.id = a.destination_id WHERE a.event_id = ?1 AND a.org_id = ?2 AND d.url = ?3 "
          "ORDER BY a.seq DESC LIMIT 1"}) {
      auto select = db.Prepare(sql);
      select->BindAll(event_id, org_id, url);
      if (select->Step() && (!last || select->Int64(1) >= last_at)) {
        last = select->Int64(0) != 0;
        last_at = select->Int64(1);
      }
    }
    return last;
  });
}

std::vector<SingleReplay> SqlReplayHistory::ListSingleReplays(const std::string& org_id,
                                                              const std::string& event_id) {
  static const std::string sql =
      std::string("SELECT ") + rows::kSingleReplayColumns +
      " FROM single_replays WHERE event_id = ?1 AND org_id = ?2 ORDER BY seq";
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(sql)
        ->BindAll(event_id, org_id)
        .ReadAll(rows::ReadSingleReplay<sql::Statement>);
  });
}

}  // namespace rehook
