#pragma once
// Reading rows into model structs, and keyset pagination, shared by the SqliteStore files.

#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace rehook::sqlite {

// Column lists matching the readers below.
inline constexpr const char* kOrganizationColumns = "id, name, retention_days, created_at";
inline constexpr const char* kApiKeyColumns =
    "id, org_id, name, role, key_hash, key_prefix, created_at";
inline constexpr const char* kSourceColumns = "id, org_id, name, config, created_at, updated_at";
// Every event column except the body, which comes last when asked for.
inline constexpr const char* kEventColumns =
    "id, org_id, source_id, received_at, method, path, query, headers, client_ip, size, verified";
inline constexpr int kEventBodyColumn = 11;

Organization ReadOrganization(const Statement& row);
ApiKey ReadApiKey(const Statement& row);
Source ReadSource(const Statement& row);
// Reads an event's metadata; the body is read separately when selected.
Event ReadEvent(const Statement& row);

// Steps `statement` (bound to fetch limit + 1 rows) and builds a page: when the extra row exists
// it is dropped and `next` points at the last kept item.
template <class T, class ReadRow, class TimeOf>
Page<T> CollectPage(Statement& statement, int limit, ReadRow read_row, TimeOf time_of) {
  Page<T> page;
  while (statement.Step()) page.items.push_back(read_row(statement));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    const T& last = page.items.back();
    page.next = Cursor{time_of(last), last.id};
  }
  return page;
}

}  // namespace rehook::sqlite
