// SqliteStore: captured events.
#include "common/ids.h"
#include "store/header_codec.h"
#include "store/sqlite/sqlite_rows.h"
#include "store/sqlite/sqlite_store.h"

namespace rehook {

std::optional<Event> SqliteStore::GetEvent(const std::string& org_id, const std::string& id,
                                           bool with_body) {
  // No index on id (schema 9): the id's own timestamp leads to the event through
  // events_by_org_time.
  const std::optional<TimeMs> received_at = IdTime(id, "evt");
  if (!received_at) return std::nullopt;
  auto db = readers_.Acquire();
  auto select =
      db->Prepare(std::string("SELECT ") + rows::kEventColumns + (with_body ? ", body" : "") +
                  " FROM events WHERE org_id = ?2 AND received_at = ?3 AND id = ?1");
  select->BindAll(id, org_id, *received_at);
  if (!select->Step()) return std::nullopt;
  Event event = rows::ReadEvent(*select);
  if (with_body) event.body = select->Bytes(rows::kEventBodyColumn);
  return event;
}

Page<Event> SqliteStore::ListEvents(const EventQuery& query) {
  // Only the conditions in use go into the SQL, so that SQLite picks the (source|org,
  // received_at) index and walks it backwards from the cursor, sorting only the events that
  // share a millisecond by id: a page costs the same at any depth.
  std::string sql = std::string("SELECT ") + rows::kEventColumns + " FROM events WHERE org_id = ?1";
  if (query.source_id) sql += " AND source_id = ?2";
  if (query.from) sql += " AND received_at >= ?3";
  if (query.to) sql += " AND received_at <= ?4";
  if (query.page.after) sql += " AND received_at <= ?5 AND (received_at, id) < (?5, ?6)";
  sql += " ORDER BY received_at DESC, id DESC LIMIT ?7";

  auto db = readers_.Acquire();
  auto select = db->Prepare(sql);
  select->Bind(1, query.org_id);
  if (query.source_id) select->Bind(2, *query.source_id);
  if (query.from) select->Bind(3, *query.from);
  if (query.to) select->Bind(4, *query.to);
  if (query.page.after) {
    select->Bind(5, query.page.after->time);
    select->Bind(6, query.page.after->id);
  }
  select->Bind(7, query.page.limit + 1);
  return sqlite::CollectPage<Event>(*select, query.page.limit, rows::ReadEvent<sqlite::Statement>,
                                    [](const Event& event) { return event.received_at; });
}

}  // namespace rehook
