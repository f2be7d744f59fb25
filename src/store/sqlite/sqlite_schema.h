#pragma once
// The SQLite schema, versioned in code. Each migration runs once, in order, inside a transaction;
// PRAGMA user_version records how far a database has come.

#include "store/sqlite/sqlite_db.h"

namespace rehook::sqlite {

// Brings the database up to the newest schema version. Safe to call on every start.
void MigrateToLatest(Database& connection);

// Brings the database up to `version` (at most LatestSchemaVersion()); for tests that start from
// a database an older rehook wrote.
void MigrateTo(Database& connection, int version);

// The version MigrateToLatest reaches.
int LatestSchemaVersion();

}  // namespace rehook::sqlite
