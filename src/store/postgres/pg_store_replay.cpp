// PgStore: replay jobs and single-request replays.
#include "store/postgres/pg_paging.h"
#include "store/postgres/pg_store.h"
#include "store/row_readers.h"

namespace rehook {

using pg::Params;

void PgStore::InsertReplayJob(const ReplayJob& job) {
  auto db = pool_.Acquire();
  db->Exec(
      std::string("INSERT INTO replay_jobs (") + rows::kReplayJobColumns +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
          "$17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)",
      Params(job.id, job.org_id, job.destination_id, job.source_id, job.connection_id,
             job.filter_json, job.from, job.to, job.rate_limit, job.max_events,
             std::string(ReplayStatusName(job.status)), job.status_reason, job.total, job.processed,
             job.succeeded, job.failed, job.cursor ? std::optional(job.cursor->time) : std::nullopt,
             job.cursor ? std::optional(job.cursor->id) : std::nullopt, job.created_at,
             job.started_at, job.completed_at, job.expires_at, job.lease_owner, job.lease_until,
             std::string(ReplayIdModeName(job.id_mode)), job.fixed, job.regressed));
}

std::optional<ReplayJob> PgStore::GetReplayJob(const std::string& org_id, const std::string& id) {
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("SELECT ") + rows::kReplayJobColumns +
                 " FROM replay_jobs WHERE org_id = $1 AND id = $2",
             Params(org_id, id))
      .ReadFirst(rows::ReadReplayJob<pg::Row>);
}

Page<ReplayJob> PgStore::ListReplayJobs(const std::string& org_id, TimeMs now,
                                        const PageRequest& page) {
  Params params = pg::OrgPageParams(org_id, page);
  params.Add(now);  // $5
  auto db = pool_.Acquire();
  auto result = db->Exec(
      std::string("SELECT ") + rows::kReplayJobColumns +
          " FROM replay_jobs WHERE org_id = $1 AND (expires_at IS NULL OR expires_at > $5) "
          "AND ($2::bigint IS NULL OR (created_at, id) < ($2, $3)) "
          "ORDER BY created_at DESC, id DESC LIMIT $4",
      params);
  return rows::TrimToPage<ReplayJob>(result.ReadAll(rows::ReadReplayJob<pg::Row>), page.limit,
                                     [](const ReplayJob& job) { return job.created_at; });
}

bool PgStore::CancelReplayJob(const std::string& org_id, const std::string& id, TimeMs now,
                              TimeMs expires_at) {
  auto db = pool_.Acquire();
  return db->Exec(
               "UPDATE replay_jobs SET status = 'cancelled', "
               "status_reason = 'cancelled through the API', completed_at = $3, "
               "expires_at = $4 WHERE org_id = $1 AND id = $2 "
               "AND status IN ('running', 'paused')",
               Params(org_id, id, now, expires_at))
             .affected() > 0;
}

std::vector<ReplayJob> PgStore::ClaimReplayJobs(TimeMs now, const std::string& owner,
                                                TimeMs lease_until, int limit) {
  // SKIP LOCKED: nodes claiming at the same moment take different jobs instead of waiting.
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("UPDATE replay_jobs SET lease_owner = $1, lease_until = $2 WHERE id IN ("
                         "SELECT id FROM replay_jobs WHERE status IN ('running', 'paused') AND "
                         "(lease_owner = '' OR lease_until <= $3) ORDER BY created_at LIMIT $4 "
                         "FOR UPDATE SKIP LOCKED) RETURNING ") +
                 rows::kReplayJobColumns,
             Params(owner, lease_until, now, limit))
      .ReadAll(rows::ReadReplayJob<pg::Row>);
}

std::optional<ReplayJob> PgStore::RenewReplayLease(const std::string& id, const std::string& owner,
                                                   TimeMs lease_until) {
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("UPDATE replay_jobs SET lease_until = $3 WHERE id = $1 AND "
                         "lease_owner = $2 RETURNING ") +
                 rows::kReplayJobColumns,
             Params(id, owner, lease_until))
      .ReadFirst(rows::ReadReplayJob<pg::Row>);
}

Page<DeliveryAttempt> PgStore::ListAttemptsOfJob(const std::string& org_id,
                                                 const std::string& job_id,
                                                 std::optional<ReplayOutcome> outcome,
                                                 const PageRequest& page) {
  auto db = pool_.Acquire();
  auto result = db->Exec(std::string("SELECT ") + rows::kAttemptColumns +
                             " FROM delivery_attempts WHERE replay_job_id = $1 AND org_id = $2 "
                             "AND ($3::text IS NULL OR outcome = $3) "
                             "AND ($4::bigint IS NULL OR (created_at, id) > ($4, $5)) "
                             "ORDER BY created_at, id LIMIT $6",
                         Params(job_id, org_id, rows::OutcomeColumn(outcome),
                                page.after ? std::optional(page.after->time) : std::nullopt,
                                page.after ? page.after->id : std::string(), page.limit + 1));
  return rows::TrimToPage<DeliveryAttempt>(
      result.ReadAll(rows::ReadAttempt<pg::Row>), page.limit,
      [](const DeliveryAttempt& attempt) { return attempt.created_at; });
}

std::unordered_map<std::string, bool> PgStore::LastResultsAtDestination(
    const std::string& org_id, const std::string& destination_id,
    const std::vector<std::string>& event_ids, const std::string& job_id) {
  std::unordered_map<std::string, bool> results;
  if (event_ids.empty()) return results;
  // Per event, its attempts newest first (delivery_attempts_by_event), stopping at the first
  // that counts: with many jobs replaying the same events, reading all of an event's attempts
  // would cost each job the work of every job before it.
  std::string sql = "SELECT e.id, a.success FROM (VALUES ";
  Params params(org_id, destination_id, job_id);
  for (std::size_t i = 0; i < event_ids.size(); ++i) {
    sql += (i ? ", ($" : "($") + std::to_string(i + 4) + "::text)";
    params.Add(event_ids[i]);
  }
  sql +=
      ") AS e(id) CROSS JOIN LATERAL (SELECT success FROM delivery_attempts WHERE event_id = e.id "
      "AND org_id = $1 AND destination_id = $2 AND (replay_job_id IS NULL OR replay_job_id <> $3) "
      "ORDER BY seq DESC LIMIT 1) AS a";
  auto db = pool_.Acquire();
  auto result = db->Exec(sql, params);
  for (int i = 0; i < result.rows(); ++i) {
    results[result.row(i).Text(0)] = result.row(i).Int64(1) != 0;
  }
  return results;
}

std::vector<std::string> PgStore::ListReplayedEventIds(const std::string& job_id) {
  auto db = pool_.Acquire();
  return db->Exec("SELECT event_id FROM delivery_attempts WHERE replay_job_id = $1", Params(job_id))
      .ReadAll([](const pg::Row& row) { return row.Text(0); });
}

int PgStore::DeleteExpiredReplayJobs(TimeMs now, int limit) {
  auto db = pool_.Acquire();
  return static_cast<int>(db->Exec("DELETE FROM replay_jobs WHERE id IN (SELECT id FROM "
                                   "replay_jobs WHERE expires_at IS NOT NULL AND "
                                   "expires_at <= $1 LIMIT $2)",
                                   Params(now, limit))
                              .affected());
}

void PgStore::InsertSingleReplay(const SingleReplay& replay) {
  auto db = pool_.Acquire();
  db->Exec(std::string("INSERT INTO single_replays (") + rows::kSingleReplayColumns +
               ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
           Params(replay.id, replay.org_id, replay.source_id, replay.event_id, replay.target_url,
                  replay.status_code, replay.response_time_ms, replay.success, replay.error,
                  replay.created_at, rows::OutcomeColumn(replay.outcome),
                  pg::Bytes{replay.response_body}));
}

std::optional<bool> PgStore::LastResultAtUrl(const std::string& org_id, const std::string& event_id,
                                             const std::string& url) {
  auto db = pool_.Acquire();
  auto result = db->Exec(
      "SELECT success, created_at FROM (("
      "SELECT success, created_at FROM single_replays WHERE event_id = $1 AND org_id = $2 AND "
      "target_url = $3 ORDER BY seq DESC LIMIT 1) UNION ALL ("
      "SELECT a.success, a.created_at FROM delivery_attempts a JOIN destinations d ON "
      "d.id = a.destination_id WHERE a.event_id = $1 AND a.org_id = $2 AND d.url = $3 "
      "ORDER BY a.seq DESC LIMIT 1)) AS earlier ORDER BY created_at DESC LIMIT 1",
      Params(event_id, org_id, url));
  if (result.rows() == 0) return std::nullopt;
  return result.row(0).Int64(0) != 0;
}

std::vector<SingleReplay> PgStore::ListSingleReplays(const std::string& org_id,
                                                     const std::string& event_id) {
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("SELECT ") + rows::kSingleReplayColumns +
                 " FROM single_replays WHERE event_id = $1 AND org_id = $2 ORDER BY seq",
             Params(event_id, org_id))
      .ReadAll(rows::ReadSingleReplay<pg::Row>);
}

}  // namespace rehook
