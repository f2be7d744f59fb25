#include "store/sql/sql_work_leases.h"

#include <algorithm>

#include "store/row_readers.h"

namespace rehook {

namespace {

// RETURNING gives the claimed rows in whatever order the UPDATE met them (PostgreSQL's join
// order); claims hand them on oldest due first.
std::vector<DeliveryTask> OldestDueFirst(std::vector<DeliveryTask> tasks) {
  std::sort(tasks.begin(), tasks.end(), [](const DeliveryTask& a, const DeliveryTask& b) {
    return a.next_attempt_at != b.next_attempt_at ? a.next_attempt_at < b.next_attempt_at
                                                  : a.id < b.id;
  });
  return tasks;
}

// Leases the due tasks that `which` selects (a condition on the task's lease), oldest due first.
std::string TaskClaim(const std::string& which, const sql::Dialect& dialect) {
  return "UPDATE delivery_tasks SET lease_owner = ?1, lease_until = ?2 "
         "WHERE (connection_id, id) IN (SELECT connection_id, id FROM delivery_tasks WHERE " +
         which + " AND next_attempt_at <= ?3 ORDER BY next_attempt_at LIMIT ?4" +
         dialect.skip_locked + ") RETURNING " + rows::kTaskColumns;
}

}  // namespace

// Leases need not survive a crash (a lost lease only frees the work early), so claims, renewals
// and releases do not wait for an fsync.

SqlWorkLeases::SqlWorkLeases(sql::Backend& backend)
    : backend_(backend),
      // `lease_owner = ''` as written is what lets both engines use the partial index
      // delivery_tasks_waiting (SQLite schema 16, PostgreSQL 18).
      claim_tasks_(TaskClaim("lease_owner = ''", backend.dialect())),
      claim_lapsed_tasks_(TaskClaim("lease_owner <> '' AND lease_until <= ?3", backend.dialect())),
      claim_jobs_(std::string("UPDATE replay_jobs SET lease_owner = ?1, lease_until = ?2 "
                              "WHERE id IN (SELECT id FROM replay_jobs WHERE "
                              "status IN ('running', 'paused') AND "
                              "(lease_owner = '' OR lease_until <= ?3) ORDER BY created_at "
                              "LIMIT ?4") +
                  backend.dialect().skip_locked + ") RETURNING " + rows::kReplayJobColumns) {}

std::vector<DeliveryTask> SqlWorkLeases::ClaimDueTasks(TimeMs now, const std::string& owner,
                                                       TimeMs lease_until, int limit) {
  return ClaimTasks(claim_tasks_, now, owner, lease_until, limit);
}

std::vector<DeliveryTask> SqlWorkLeases::ClaimLapsedTasks(TimeMs now, const std::string& owner,
                                                          TimeMs lease_until, int limit) {
  return ClaimTasks(claim_lapsed_tasks_, now, owner, lease_until, limit);
}

std::vector<DeliveryTask> SqlWorkLeases::ClaimTasks(const std::string& claim, TimeMs now,
                                                    const std::string& owner, TimeMs lease_until,
                                                    int limit) {
  return OldestDueFirst(backend_.WriteUnsynced([&](sql::Session& db) {
    return db.Prepare(claim)
        ->BindAll(owner, lease_until, now, limit)
        .ReadAll(rows::ReadTask<sql::Statement>);
  }));
}

std::vector<ReplayJob> SqlWorkLeases::ClaimReplayJobs(TimeMs now, const std::string& owner,
                                                      TimeMs lease_until, int limit) {
  return backend_.WriteUnsynced([&](sql::Session& db) {
    return db.Prepare(claim_jobs_)
        ->BindAll(owner, lease_until, now, limit)
        .ReadAll(rows::ReadReplayJob<sql::Statement>);
  });
}

std::optional<ReplayJob> SqlWorkLeases::RenewReplayLease(const std::string& id,
                                                         const std::string& owner,
                                                         TimeMs lease_until) {
  static const std::string sql =
      std::string(
          "UPDATE replay_jobs SET lease_until = ?3 WHERE id = ?1 AND lease_owner = ?2 "
          "RETURNING ") +
      rows::kReplayJobColumns;
  return backend_.WriteUnsynced([&](sql::Session& db) {
    return db.Prepare(sql)
        ->BindAll(id, owner, lease_until)
        .ReadFirst(rows::ReadReplayJob<sql::Statement>);
  });
}

void SqlWorkLeases::ReleaseLeases(const std::string& owner) {
  backend_.WriteUnsynced([&](sql::Session& db) {
    sql::Transaction transaction(db);
    db.Prepare("UPDATE delivery_tasks SET lease_owner = '', lease_until = 0 WHERE lease_owner = ?1")
        ->BindAll(owner)
        .Run();
    db.Prepare("UPDATE replay_jobs SET lease_owner = '', lease_until = 0 WHERE lease_owner = ?1")
        ->BindAll(owner)
        .Run();
    transaction.Commit();
  });
}

WorkCounts SqlWorkLeases::CountWork() {
  return backend_.Read([&](sql::Session& db) {
    WorkCounts counts;
    // COUNT of a CASE rather than SQLite's SUM of a comparison or PostgreSQL's FILTER: the one
    // spelling both engines read, and bigint on PostgreSQL.
    auto tasks =
        db.Prepare("SELECT COUNT(*), COUNT(CASE WHEN attempts > 0 THEN 1 END) FROM delivery_tasks");
    tasks->Step();
    counts.pending_deliveries = tasks->Int64(0);
    counts.pending_retries = tasks->Int64(1);
    auto jobs = db.Prepare("SELECT status, COUNT(*) FROM replay_jobs GROUP BY status");
    while (jobs->Step()) counts.AddReplayJobs(jobs->Text(0), jobs->Int64(1));
    return counts;
  });
}

}  // namespace rehook
