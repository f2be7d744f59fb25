#pragma once
// Keyset paging of the configuration lists, newest first by (created_at, id): a page costs the
// same at any depth, walking the (org, created_at, id) indexes backwards from the cursor.

#include <optional>
#include <string>

#include "store/queries.h"
#include "store/row_readers.h"
#include "store/sql/sql_backend.h"

namespace rehook::sql {

// The condition and order of a page, its three parameters numbered from ?`first`: the cursor's
// time (NULL on the first page) and id, then the limit. Follows "WHERE ... AND ".
inline std::string NewestFirstPage(int first) {
  const std::string time = "?" + std::to_string(first);
  const std::string id = "?" + std::to_string(first + 1);
  return "(" + time + " IS NULL OR (created_at, id) < (" + time + ", " + id +
         ")) ORDER BY created_at DESC, id DESC LIMIT ?" + std::to_string(first + 2);
}

// Binds the three parameters of NewestFirstPage; one row more than the page is asked for, to
// know whether there is a next page (see rows::TrimToPage).
inline void BindPage(Statement& statement, const PageRequest& page) {
  statement.BindAll(page.after ? std::optional(page.after->time) : std::nullopt,
                    page.after ? page.after->id : std::string(), page.limit + 1);
}

// Reads the page's rows with `read_row`.
template <class T, class ReadRow>
Page<T> ReadPage(Statement& statement, const PageRequest& page, ReadRow read_row) {
  return rows::TrimToPage<T>(statement.ReadAll(read_row), page.limit,
                             [](const T& item) { return item.created_at; });
}

}  // namespace rehook::sql
