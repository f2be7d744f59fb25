#pragma once
// The marker of a value bound as bytes (SQLite BLOB, PostgreSQL bytea) rather than text; one
// type for the SQL backend and both engines' own layers (sqlite::Blob, pg::Bytes).

#include <string_view>

namespace rehook::sql {

struct Blob {
  std::string_view bytes;
};

}  // namespace rehook::sql
