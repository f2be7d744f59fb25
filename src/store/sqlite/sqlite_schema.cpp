#include "store/sqlite/sqlite_schema.h"

#include <string>
#include <vector>

namespace rehook::sqlite {
namespace {

// Append new migrations at the end; never edit one that has shipped.
const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> migrations = {
      // 1: organizations, keys, sessions, sources, events.
      R"sql(
        CREATE TABLE organizations (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          retention_days INTEGER NOT NULL DEFAULT 30,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX organizations_by_time ON organizations(created_at, id);

        CREATE TABLE api_keys (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES organizations(id),
          name TEXT NOT NULL,
          role TEXT NOT NULL,
          key_hash BLOB NOT NULL UNIQUE,
          key_prefix TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE INDEX api_keys_by_org ON api_keys(org_id, created_at, id);

        CREATE TABLE sessions (
          token_hash BLOB PRIMARY KEY,
          key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        );
        CREATE INDEX sessions_by_key ON sessions(key_id);

        CREATE TABLE sources (
          id TEXT PRIMARY KEY,
          org_id TEXT NOT NULL REFERENCES organizations(id),
          name TEXT NOT NULL,
          config TEXT NOT NULL DEFAULT '{}',
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX sources_by_org ON sources(org_id, created_at, id);

        -- The body is the last column so that reading metadata never touches its overflow pages.
        CREATE TABLE events (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          org_id TEXT NOT NULL,
          source_id TEXT NOT NULL,
          received_at INTEGER NOT NULL,
          method TEXT NOT NULL,
          path TEXT NOT NULL,
          query TEXT NOT NULL,
          headers BLOB NOT NULL,
          client_ip TEXT NOT NULL,
          size INTEGER NOT NULL,
          verified INTEGER NOT NULL,
          body BLOB NOT NULL
        );
        CREATE INDEX events_by_org_time ON events(org_id, received_at, id);
        CREATE INDEX events_by_source_time ON events(source_id, received_at, id);
      )sql",
  };
  return migrations;
}

int CurrentVersion(Connection& connection) {
  auto statement = connection.Prepare("PRAGMA user_version");
  statement->Step();
  return static_cast<int>(statement->Int64(0));
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

void MigrateToLatest(Connection& connection) {
  int version = CurrentVersion(connection);
  if (version > LatestSchemaVersion()) {
    throw StoreError("the database schema (version " + std::to_string(version) +
                     ") is newer than this rehook (version " +
                     std::to_string(LatestSchemaVersion()) + "); upgrade rehook");
  }
  const auto& migrations = Migrations();
  for (int next = version + 1; next <= LatestSchemaVersion(); ++next) {
    Transaction transaction(connection);
    connection.Exec(migrations[static_cast<size_t>(next - 1)]);
    connection.Exec("PRAGMA user_version=" + std::to_string(next));
    transaction.Commit();
  }
}

}  // namespace rehook::sqlite
