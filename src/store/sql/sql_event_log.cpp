#include "store/sql/sql_event_log.h"

#include <algorithm>
#include <limits>

#include "common/ids.h"
#include "store/row_readers.h"
#include "store/sql/conditional_sql.h"
#include "store/sql/time_windows.h"

namespace rehook {
namespace {

using sql::ConditionalSql;

// The event columns, the body when asked for, then `more` columns if any.
std::string SelectEvents(bool with_body, const std::string& more = "") {
  return std::string("SELECT ") + rows::kEventColumns + (with_body ? ", body" : "") +
         (more.empty() ? "" : ", " + more) + " FROM events WHERE ";
}

// The same columns as SelectEvents, of the table named `table` in a join.
std::string EventColumnsOf(const std::string& table, bool with_body) {
  std::string columns = table + ".";
  for (const char* c = rows::kEventColumns; *c; ++c) {
    columns += *c;
    if (*c == ' ') columns += table + ".";
  }
  return columns + (with_body ? ", " + table + ".body" : "");
}

Event ReadEvent(const sql::Statement& row, bool with_body) {
  Event event = rows::ReadEvent(row);
  if (with_body) event.body = row.Bytes(rows::kEventBodyColumn);
  return event;
}

}  // namespace

std::optional<Event> SqlEventLog::GetEvent(const std::string& org_id, const std::string& id,
                                           bool with_body) {
  // Found through (org, received_at), the time the id carries: SQLite has no index on the id
  // (schema 9), and the same lookup serves PostgreSQL's (org_id, received_at) index (schema 16).
  const std::optional<TimeMs> received_at = IdTime(id, "evt");
  if (!received_at) return std::nullopt;
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(SelectEvents(with_body) + "org_id = ?1 AND received_at = ?2 AND id = ?3")
        ->BindAll(org_id, *received_at, id)
        .ReadFirst([&](const sql::Statement& row) { return ReadEvent(row, with_body); });
  });
}

Page<Event> SqlEventLog::ListEvents(const EventQuery& query) {
  // One upper bound on received_at, the tighter of `to` and the cursor's time: given two, SQLite
  // starts its walk at the first and only filters by the second, so a page deep in a range with
  // `to` would read every row above it.
  std::optional<TimeMs> upper = query.to;
  if (query.page.after)
    upper = std::min(query.page.after->time, upper.value_or(std::numeric_limits<TimeMs>::max()));
  const int wanted = query.page.limit + 1;  // one more tells whether there is a next page
  const auto read = [&](std::optional<TimeMs> lower, std::optional<TimeMs> top, int limit) {
    return ListNewestFirst(query, lower, top, limit);
  };
  const std::optional<Windowing> windowing = ListingWindows();
  std::vector<Event> rows = windowing
                                ? sql::ReadNewestFirst<Event>(windowing->windows, windowing->anchor,
                                                              query.from, upper, wanted, read)
                                : read(query.from, upper, wanted);
  return rows::TrimToPage<Event>(std::move(rows), query.page.limit,
                                 [](const Event& event) { return event.received_at; });
}

std::vector<Event> SqlEventLog::ListNewestFirst(const EventQuery& query,
                                                std::optional<TimeMs> lower,
                                                std::optional<TimeMs> upper, int limit) {
  // Only the conditions in use go into the SQL, so that the engine picks the (source|org,
  // received_at) index and walks it backwards from the cursor: a page costs the same at any
  // depth.
  ConditionalSql sql(SelectEvents(query.with_bodies));
  sql.Append("org_id = ?");
  if (query.source_id) sql.Append(" AND source_id = ?");
  if (lower) sql.Append(" AND received_at >= ?");
  if (upper) sql.Append(" AND received_at <= ?");
  if (query.page.after) sql.Append(" AND (received_at, id) < (?, ?)");
  sql.Append(" ORDER BY received_at DESC, id DESC LIMIT ?");

  return backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(sql.sql());
    select->Bind(query.org_id);
    if (query.source_id) select->Bind(*query.source_id);
    if (lower) select->Bind(*lower);
    if (upper) select->Bind(*upper);
    if (query.page.after) select->BindAll(query.page.after->time, query.page.after->id);
    select->Bind(limit);
    return select->ReadAll(
        [&](const sql::Statement& row) { return ReadEvent(row, query.with_bodies); });
  });
}

std::vector<Event> SqlEventLog::ListEventsForReplay(const ReplayRange& range) {
  if (range.failed_at) return ListFailedForReplay(range);
  // As above, walking the index forwards from the cursor, with one lower bound: the later of
  // `from` and the cursor's time (with both, each page of a long range read every row before it).
  const TimeMs from = range.after ? std::max(range.from, range.after->time) : range.from;
  const auto read = [&](TimeMs lower, TimeMs upper, int limit) {
    return ListOldestFirst(range, lower, upper, limit);
  };
  const std::optional<Windowing> windowing = ListingWindows();
  return windowing
             ? sql::ReadOldestFirst<Event>(windowing->windows, from, range.to, range.limit, read)
             : read(from, range.to, range.limit);
}

std::vector<Event> SqlEventLog::ListOldestFirst(const ReplayRange& range, TimeMs lower,
                                                TimeMs upper, int limit) {
  ConditionalSql sql(SelectEvents(range.with_bodies));
  sql.Append("org_id = ? AND received_at >= ? AND received_at <= ?");
  if (range.source_id) sql.Append(" AND source_id = ?");
  if (range.after) sql.Append(" AND (received_at, id) > (?, ?)");
  sql.Append(" ORDER BY received_at, id LIMIT ?");

  return backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(sql.sql());
    select->BindAll(range.org_id, lower, upper);
    if (range.source_id) select->Bind(*range.source_id);
    if (range.after) select->BindAll(range.after->time, range.after->id);
    select->Bind(limit);
    return select->ReadAll(
        [&](const sql::Statement& row) { return ReadEvent(row, range.with_bodies); });
  });
}

std::vector<Event> SqlEventLog::ListFailedForReplay(const ReplayRange& range) {
  // Walks the partial index of failed standings (schema 14: destination, received_at, event)
  // from the cursor, and finds each one's event through (org, received_at, id). CROSS JOIN keeps
  // SQLite from starting at the events; PostgreSQL plans it as an ordinary join. The unary plus
  // keeps SQLite from carrying the range's bounds over to e.received_at and searching the events
  // by that range (every event of the range per failure) instead of by the one time.
  const TimeMs lower = range.after ? std::max(range.from, range.after->time) : range.from;
  ConditionalSql sql(std::string("SELECT ") + EventColumnsOf("e", range.with_bodies) +
                     " FROM delivery_standings s CROSS JOIN events e WHERE ");
  sql.Append("s.destination_id = ? AND NOT s.last_success");
  sql.Append(" AND s.received_at >= ? AND s.received_at <= ?");
  if (range.after) sql.Append(" AND (s.received_at, s.event_id) > (?, ?)");
  sql.Append(" AND e.org_id = ? AND e.received_at = +s.received_at AND e.id = s.event_id");
  if (range.source_id) sql.Append(" AND e.source_id = ?");
  sql.Append(" ORDER BY s.received_at, s.event_id LIMIT ?");

  return backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(sql.sql());
    select->BindAll(*range.failed_at, lower, range.to);
    if (range.after) select->BindAll(range.after->time, range.after->id);
    select->Bind(range.org_id);
    if (range.source_id) select->Bind(*range.source_id);
    select->Bind(range.limit);
    return select->ReadAll(
        [&](const sql::Statement& row) { return ReadEvent(row, range.with_bodies); });
  });
}

std::vector<CommittedEvent> SqlEventLog::ListCommittedAfter(const CommittedQuery& query) {
  // `commit >= ?` alone bounds the walk (SQLite's row numbers; PostgreSQL's BRIN index); the
  // id decides within the commit the walk starts from.
  const sql::Dialect& dialect = backend_.dialect();
  const std::string& commit = dialect.commit_column;
  ConditionalSql sql(SelectEvents(query.with_bodies, commit));
  sql.Append(commit + " >= ? AND (" + commit + " > ? OR id > ?)");
  sql.Append(dialect.settled_commits);
  if (query.org_id) sql.Append(" AND org_id = ?");
  if (query.source_id) sql.Append(" AND source_id = ?");
  sql.Append(" ORDER BY " + commit + ", id LIMIT ?");

  return backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(sql.sql());
    select->BindAll(query.after.commit, query.after.commit, query.after.id);
    if (query.org_id) select->Bind(*query.org_id);
    if (query.source_id) select->Bind(*query.source_id);
    select->Bind(query.limit);
    const int commit_index = rows::kEventBodyColumn + (query.with_bodies ? 1 : 0);
    return select->ReadAll([&](const sql::Statement& row) {
      Event event = ReadEvent(row, query.with_bodies);
      CommitPosition position{row.Int64(commit_index), event.id};
      return CommittedEvent{std::move(position), std::move(event)};
    });
  });
}

std::optional<CommitPosition> SqlEventLog::PositionOf(const std::string& org_id,
                                                      const std::string& id) {
  const std::optional<TimeMs> received_at = IdTime(id, "evt");
  if (!received_at) return std::nullopt;
  const std::string sql = "SELECT " + backend_.dialect().commit_column +
                          " FROM events WHERE org_id = ?1 AND received_at = ?2 AND id = ?3";
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(sql)
        ->BindAll(org_id, *received_at, id)
        .ReadFirst([&](const sql::Statement& row) {
          return CommitPosition{row.Int64(0), id};
        });
  });
}

CommitPosition SqlEventLog::LatestPosition() {
  return backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(backend_.dialect().latest_commit);
    select->Step();
    return CommitPosition{select->Int64(0), std::string(kAfterEveryId)};
  });
}

std::vector<DeliveryAttempt> SqlEventLog::ListAttemptsOfEvent(const std::string& org_id,
                                                              const std::string& event_id) {
  static const std::string sql = std::string("SELECT ") + rows::kAttemptColumns +
                                 " FROM delivery_attempts WHERE event_id = ?1 AND org_id = ?2 "
                                 "ORDER BY seq";
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(sql)->BindAll(event_id, org_id).ReadAll(rows::ReadAttempt<sql::Statement>);
  });
}

std::unordered_map<std::string, DeliveryStanding> SqlEventLog::StandingsAtDestination(
    const std::string& org_id, const std::string& destination_id,
    const std::vector<std::string>& event_ids) {
  std::unordered_map<std::string, DeliveryStanding> standings;
  if (event_ids.empty()) return standings;
  std::string sql =
      "SELECT event_id, last_success, ever_succeeded FROM delivery_standings "
      "WHERE destination_id = ?1 AND org_id = ?2 AND event_id IN (";
  for (std::size_t i = 0; i < event_ids.size(); ++i) {
    sql += (i ? ", ?" : "?") + std::to_string(i + 3);
  }
  sql += ")";
  backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(sql);
    select->BindAll(destination_id, org_id);
    for (const std::string& id : event_ids) select->Bind(id);
    while (select->Step()) {
      standings[select->Text(0)] = {select->Int64(1) != 0, select->Int64(2) != 0};
    }
  });
  return standings;
}

int SqlEventLog::DeleteDedupKeysBefore(TimeMs cutoff, int limit) {
  return backend_.Write([&](sql::Session& db) {
    return static_cast<int>(
        db.Prepare("DELETE FROM dedup_keys WHERE (source_id, key_hash) IN (SELECT source_id, "
                   "key_hash FROM dedup_keys WHERE seen_at < ?1 LIMIT ?2)")
            ->BindAll(cutoff, limit)
            .Run());
  });
}

}  // namespace rehook
