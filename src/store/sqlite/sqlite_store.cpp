// SqliteStore: set-up, organizations, API keys and sessions.
#include "store/sqlite/sqlite_store.h"

#include <algorithm>

#include "store/sqlite/sqlite_rows.h"
#include "store/sqlite/sqlite_schema.h"

namespace rehook {

using sqlite::Blob;
using sqlite::CollectPage;

namespace {

void InsertOrganizationRow(sqlite::Database& db, const Organization& org) {
  auto insert = db.Prepare(
      "INSERT INTO organizations (id, name, retention_days, created_at) VALUES (?1, ?2, ?3, ?4)");
  insert->BindAll(org.id, org.name, org.retention_days, org.created_at);
  insert->Run();
}

void InsertApiKeyRow(sqlite::Database& db, const ApiKey& key) {
  auto insert = db.Prepare(
      "INSERT INTO api_keys (id, org_id, name, role, key_hash, key_prefix, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  insert->BindAll(key.id, key.org_id, key.name, RoleName(key.role), Blob{key.key_hash},
                  key.key_prefix, key.created_at);
  insert->Run();
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path) : writer_(path), readers_(path) {
  sqlite::MigrateToLatest(writer_);
  wal_ = std::make_unique<sqlite::WalSync>(path);
  wal_->Sync();
  checkpointer_ = std::make_unique<sqlite::Checkpointer>(path, writer_);
}

bool SqliteStore::Ping() {
  try {
    auto db = readers_.Acquire();
    auto select = db->Prepare("SELECT 1");
    return select->Step();
  } catch (const StoreError&) {
    return false;
  }
}

bool SqliteStore::BootstrapFirstOrganization(const Organization& org, const ApiKey& key) {
  return WithWriter([&](sqlite::Database& db) {
    sqlite::Transaction transaction(db);
    {
      auto any = db.Prepare("SELECT 1 FROM organizations LIMIT 1");
      if (any->Step()) return false;
    }
    InsertOrganizationRow(db, org);
    InsertApiKeyRow(db, key);
    transaction.Commit();
    return true;
  });
}

void SqliteStore::InsertOrganization(const Organization& org) {
  WithWriter([&](sqlite::Database& db) { InsertOrganizationRow(db, org); });
}

std::optional<Organization> SqliteStore::GetOrganization(const std::string& org_id) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(std::string("SELECT ") + rows::kOrganizationColumns +
                            " FROM organizations WHERE id = ?1");
  select->BindAll(org_id);
  if (!select->Step()) return std::nullopt;
  return rows::ReadOrganization(*select);
}

Page<Organization> SqliteStore::ListOrganizations(const PageRequest& page) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(std::string("SELECT ") + rows::kOrganizationColumns +
                            " FROM organizations WHERE (?1 IS NULL OR (created_at, id) < (?1, ?2))"
                            " ORDER BY created_at DESC, id DESC LIMIT ?3");
  select->Bind(1, page.after ? std::optional(page.after->time) : std::nullopt);
  select->Bind(2, page.after ? page.after->id : std::string());
  select->Bind(3, page.limit + 1);
  return CollectPage<Organization>(*select, page.limit, rows::ReadOrganization<sqlite::Statement>,
                                   [](const Organization& org) { return org.created_at; });
}

bool SqliteStore::UpdateOrganization(const Organization& org) {
  return WithWriter([&](sqlite::Database& db) {
    auto update =
        db.Prepare("UPDATE organizations SET name = ?2, retention_days = ?3 WHERE id = ?1");
    update->BindAll(org.id, org.name, org.retention_days);
    update->Run();
    return db.Changes() > 0;
  });
}

void SqliteStore::InsertApiKey(const ApiKey& key) {
  WithWriter([&](sqlite::Database& db) { InsertApiKeyRow(db, key); });
}

std::optional<ApiKey> SqliteStore::FindApiKeyByHash(const std::string& key_hash) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(std::string("SELECT ") + rows::kApiKeyColumns +
                            " FROM api_keys WHERE key_hash = ?1");
  select->BindAll(Blob{key_hash});
  if (!select->Step()) return std::nullopt;
  return rows::ReadApiKey(*select);
}

std::optional<ApiKey> SqliteStore::GetApiKey(const std::string& org_id, const std::string& key_id) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(std::string("SELECT ") + rows::kApiKeyColumns +
                            " FROM api_keys WHERE org_id = ?1 AND id = ?2");
  select->BindAll(org_id, key_id);
  if (!select->Step()) return std::nullopt;
  return rows::ReadApiKey(*select);
}

Page<ApiKey> SqliteStore::ListApiKeys(const std::string& org_id, const PageRequest& page) {
  auto db = readers_.Acquire();
  auto select =
      db->Prepare(std::string("SELECT ") + rows::kApiKeyColumns +
                  " FROM api_keys WHERE org_id = ?1 AND (?2 IS NULL OR (created_at, id) < (?2, ?3))"
                  " ORDER BY created_at DESC, id DESC LIMIT ?4");
  select->Bind(1, org_id);
  select->Bind(2, page.after ? std::optional(page.after->time) : std::nullopt);
  select->Bind(3, page.after ? page.after->id : std::string());
  select->Bind(4, page.limit + 1);
  return CollectPage<ApiKey>(*select, page.limit, rows::ReadApiKey<sqlite::Statement>,
                             [](const ApiKey& key) { return key.created_at; });
}

bool SqliteStore::DeleteApiKey(const std::string& org_id, const std::string& key_id) {
  return WithWriter([&](sqlite::Database& db) {
    // Sessions go with the key (ON DELETE CASCADE).
    auto remove = db.Prepare("DELETE FROM api_keys WHERE org_id = ?1 AND id = ?2");
    remove->BindAll(org_id, key_id);
    remove->Run();
    return db.Changes() > 0;
  });
}

void SqliteStore::InsertSession(const Session& session, int max_live_per_key) {
  WithWriter([&](sqlite::Database& db) {
    sqlite::Transaction transaction(db);
    auto expired = db.Prepare("DELETE FROM sessions WHERE expires_at <= ?1");
    expired->BindAll(session.created_at);
    expired->Run();
    auto oldest = db.Prepare(
        "DELETE FROM sessions WHERE key_id = ?1 AND token_hash NOT IN (SELECT token_hash FROM "
        "sessions WHERE key_id = ?1 ORDER BY created_at DESC, token_hash LIMIT ?2)");
    oldest->BindAll(session.key_id, std::int64_t{std::max(0, max_live_per_key - 1)});
    oldest->Run();
    auto insert = db.Prepare(
        "INSERT INTO sessions (token_hash, key_id, created_at, expires_at) VALUES (?1, ?2, ?3, "
        "?4)");
    insert->BindAll(Blob{session.token_hash}, session.key_id, session.created_at,
                    session.expires_at);
    insert->Run();
    transaction.Commit();
  });
}

std::optional<ApiKey> SqliteStore::FindSessionKey(const std::string& token_hash, TimeMs now) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(
      "SELECT k.id, k.org_id, k.name, k.role, k.key_hash, k.key_prefix, k.created_at "
      "FROM sessions s JOIN api_keys k ON k.id = s.key_id "
      "WHERE s.token_hash = ?1 AND s.expires_at > ?2");
  select->BindAll(Blob{token_hash}, now);
  if (!select->Step()) return std::nullopt;
  return rows::ReadApiKey(*select);
}

void SqliteStore::DeleteSession(const std::string& token_hash) {
  WithWriter([&](sqlite::Database& db) {
    auto remove = db.Prepare("DELETE FROM sessions WHERE token_hash = ?1");
    remove->BindAll(Blob{token_hash});
    remove->Run();
  });
}

}  // namespace rehook
