// PgStore: captured events.
#include "store/postgres/pg_store.h"
#include "store/row_readers.h"

namespace rehook {

using pg::Params;

namespace {

// Appends a parameter and returns its placeholder ($n), so that SQL built from optional
// conditions numbers its parameters densely.
template <class T>
std::string Placeholder(Params& params, const T& value) {
  params.Add(value);
  return "$" + std::to_string(params.size());
}

}  // namespace

std::optional<Event> PgStore::GetEvent(const std::string& org_id, const std::string& id,
                                       bool with_body) {
  auto db = pool_.Acquire();
  auto result =
      db->Exec(std::string("SELECT ") + rows::kEventColumns + (with_body ? ", body" : "") +
                   " FROM events WHERE id = $1 AND org_id = $2",
               Params(id, org_id));
  if (result.rows() == 0) return std::nullopt;
  Event event = rows::ReadEvent(result.row(0));
  if (with_body) event.body = result.row(0).Bytes(rows::kEventBodyColumn);
  return event;
}

Page<Event> PgStore::ListEvents(const EventQuery& query) {
  // Only the conditions in use go into the SQL, so that the planner picks the
  // (source|org, received_at, id) index and walks it backwards from the cursor.
  Params params(query.org_id);
  std::string sql = std::string("SELECT ") + rows::kEventColumns + " FROM events WHERE org_id = $1";
  if (query.source_id) sql += " AND source_id = " + Placeholder(params, *query.source_id);
  if (query.from) sql += " AND received_at >= " + Placeholder(params, *query.from);
  if (query.to) sql += " AND received_at <= " + Placeholder(params, *query.to);
  if (query.page.after) {
    std::string time = Placeholder(params, query.page.after->time);
    sql += " AND (received_at, id) < (" + time + ", " + Placeholder(params, query.page.after->id) +
           ")";
  }
  sql += " ORDER BY received_at DESC, id DESC LIMIT " + Placeholder(params, query.page.limit + 1);

  auto db = pool_.Acquire();
  return rows::TrimToPage<Event>(db->Exec(sql, params).ReadAll(rows::ReadEvent<pg::Row>),
                                 query.page.limit,
                                 [](const Event& event) { return event.received_at; });
}

std::vector<Event> PgStore::ListEventsForReplay(const ReplayRange& range) {
  // As above, walking the index forwards from the cursor.
  Params params(range.org_id, range.from, range.to);
  std::string sql = std::string("SELECT ") + rows::kEventColumns +
                    (range.with_bodies ? ", body" : "") +
                    " FROM events WHERE org_id = $1 AND received_at >= $2 AND received_at <= $3";
  if (range.source_id) sql += " AND source_id = " + Placeholder(params, *range.source_id);
  if (range.after) {
    std::string time = Placeholder(params, range.after->time);
    sql += " AND (received_at, id) > (" + time + ", " + Placeholder(params, range.after->id) + ")";
  }
  sql += " ORDER BY received_at, id LIMIT " + Placeholder(params, range.limit);

  auto db = pool_.Acquire();
  auto result = db->Exec(sql, params);
  std::vector<Event> events;
  events.reserve(static_cast<size_t>(result.rows()));
  for (int i = 0; i < result.rows(); ++i) {
    events.push_back(rows::ReadEvent(result.row(i)));
    if (range.with_bodies) events.back().body = result.row(i).Bytes(rows::kEventBodyColumn);
  }
  return events;
}

}  // namespace rehook
