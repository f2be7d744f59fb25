#pragma once
// Binding and paging helpers shared by the SqliteStore files; the row readers themselves are
// shared with the PostgreSQL store (store/row_readers.h).

#include <vector>

#include "store/row_readers.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace rehook::sqlite {

// Binds `attempt` to ?1..?15, in rows::kAttemptColumns order.
void BindAttempt(Statement& statement, const DeliveryAttempt& attempt);

// Reads every row of `statement` with `read_row`.
template <class ReadRow>
auto ReadAll(Statement& statement, ReadRow read_row) {
  std::vector<decltype(read_row(statement))> items;
  while (statement.Step()) items.push_back(read_row(statement));
  return items;
}

// Steps `statement` (bound to fetch limit + 1 rows) and builds a page of at most `limit` items.
template <class T, class ReadRow, class TimeOf>
Page<T> CollectPage(Statement& statement, int limit, ReadRow read_row, TimeOf time_of) {
  return rows::TrimToPage<T>(ReadAll(statement, read_row), limit, time_of);
}

}  // namespace rehook::sqlite
