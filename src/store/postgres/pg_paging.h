#pragma once
// Keyset paging shared by the PgStore list methods: newest first by (created_at, id), the
// cursor as $2/$3 and the limit (one more than the page, see rows::TrimToPage) as $4.

#include <optional>
#include <string>

#include "store/postgres/pg_connection.h"
#include "store/queries.h"

namespace rehook::pg {

// Appended to "SELECT ... FROM table" for a page of one organization's rows ($1).
inline constexpr const char* kOrgPage =
    " WHERE org_id = $1 AND ($2::bigint IS NULL OR (created_at, id) < ($2, $3))"
    " ORDER BY created_at DESC, id DESC LIMIT $4";

// $1 .. $4 of kOrgPage.
inline Params OrgPageParams(const std::string& org_id, const PageRequest& page) {
  return Params(org_id, page.after ? std::optional(page.after->time) : std::nullopt,
                page.after ? page.after->id : std::string(), page.limit + 1);
}

}  // namespace rehook::pg
