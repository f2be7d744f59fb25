#pragma once
// The PostgreSQL schema, versioned in code like the SQLite one. Several nodes may start at once
// against one database: migrations run under an advisory lock, so exactly one applies each.

#include "store/postgres/pg_connection.h"

namespace rehook::pg {

int LatestSchemaVersion();
// Brings the database up to LatestSchemaVersion(); throws StoreError when it is newer.
void MigrateToLatest(Connection& connection);
// Brings the database up to `version` only (the upgrade tests build older databases with it).
void MigrateTo(Connection& connection, int version);

}  // namespace rehook::pg
