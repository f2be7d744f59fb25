// PgStore: set-up, organizations, API keys and sessions.
#include "store/postgres/pg_store.h"

#include <algorithm>

#include "store/postgres/pg_paging.h"
#include "store/postgres/pg_schema.h"
#include "store/row_readers.h"

namespace rehook {

using pg::Params;

namespace {

// Serializes first-start bootstraps of several nodes ("rehook-bootstrap", arbitrary).
constexpr const char* kBootstrapLock = "SELECT pg_advisory_xact_lock(125779421274732)";

void InsertOrganizationRow(pg::Connection& db, const Organization& org) {
  db.Exec(
      "INSERT INTO organizations (id, name, retention_days, created_at) VALUES ($1, $2, $3, $4)",
      Params(org.id, org.name, org.retention_days, org.created_at));
}

void InsertApiKeyRow(pg::Connection& db, const ApiKey& key) {
  db.Exec(
      "INSERT INTO api_keys (id, org_id, name, role, key_hash, key_prefix, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      Params(key.id, key.org_id, key.name, std::string(RoleName(key.role)), pg::Bytes{key.key_hash},
             key.key_prefix, key.created_at));
}

}  // namespace

PgStore::PgStore(const std::string& url) : pool_(url) {
  auto db = pool_.Acquire();
  pg::MigrateToLatest(*db);
}

bool PgStore::Ping() {
  try {
    auto db = pool_.Acquire();
    return db->Exec("SELECT 1").rows() == 1;
  } catch (const StoreError&) {
    return false;
  }
}

bool PgStore::BootstrapFirstOrganization(const Organization& org, const ApiKey& key) {
  auto db = pool_.Acquire();
  pg::Transaction transaction(*db);
  db->ExecScript(kBootstrapLock);
  if (db->Exec("SELECT 1 FROM organizations LIMIT 1").rows() > 0) return false;
  InsertOrganizationRow(*db, org);
  InsertApiKeyRow(*db, key);
  transaction.Commit();
  return true;
}

void PgStore::InsertOrganization(const Organization& org) {
  auto db = pool_.Acquire();
  InsertOrganizationRow(*db, org);
}

std::optional<Organization> PgStore::GetOrganization(const std::string& org_id) {
  auto db = pool_.Acquire();
  return db
      ->Exec(
          std::string("SELECT ") + rows::kOrganizationColumns + " FROM organizations WHERE id = $1",
          Params(org_id))
      .ReadFirst(rows::ReadOrganization<pg::Row>);
}

Page<Organization> PgStore::ListOrganizations(const PageRequest& page) {
  auto db = pool_.Acquire();
  auto result =
      db->Exec(std::string("SELECT ") + rows::kOrganizationColumns +
                   " FROM organizations WHERE ($1::bigint IS NULL OR (created_at, id) < ($1, $2))"
                   " ORDER BY created_at DESC, id DESC LIMIT $3",
               Params(page.after ? std::optional(page.after->time) : std::nullopt,
                      page.after ? page.after->id : std::string(), page.limit + 1));
  return rows::TrimToPage<Organization>(result.ReadAll(rows::ReadOrganization<pg::Row>), page.limit,
                                        [](const Organization& org) { return org.created_at; });
}

bool PgStore::UpdateOrganization(const Organization& org) {
  auto db = pool_.Acquire();
  return db->Exec("UPDATE organizations SET name = $2, retention_days = $3 WHERE id = $1",
                  Params(org.id, org.name, org.retention_days))
             .affected() > 0;
}

void PgStore::InsertApiKey(const ApiKey& key) {
  auto db = pool_.Acquire();
  InsertApiKeyRow(*db, key);
}

std::optional<ApiKey> PgStore::FindApiKeyByHash(const std::string& key_hash) {
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("SELECT ") + rows::kApiKeyColumns + " FROM api_keys WHERE key_hash = $1",
             Params(pg::Bytes{key_hash}))
      .ReadFirst(rows::ReadApiKey<pg::Row>);
}

std::optional<ApiKey> PgStore::GetApiKey(const std::string& org_id, const std::string& key_id) {
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("SELECT ") + rows::kApiKeyColumns +
                 " FROM api_keys WHERE org_id = $1 AND id = $2",
             Params(org_id, key_id))
      .ReadFirst(rows::ReadApiKey<pg::Row>);
}

Page<ApiKey> PgStore::ListApiKeys(const std::string& org_id, const PageRequest& page) {
  auto db = pool_.Acquire();
  auto result =
      db->Exec(std::string("SELECT ") + rows::kApiKeyColumns + " FROM api_keys" + pg::kOrgPage,
               pg::OrgPageParams(org_id, page));
  return rows::TrimToPage<ApiKey>(result.ReadAll(rows::ReadApiKey<pg::Row>), page.limit,
                                  [](const ApiKey& key) { return key.created_at; });
}

bool PgStore::DeleteApiKey(const std::string& org_id, const std::string& key_id) {
  // Sessions go with the key (ON DELETE CASCADE).
  auto db = pool_.Acquire();
  return db->Exec("DELETE FROM api_keys WHERE org_id = $1 AND id = $2", Params(org_id, key_id))
             .affected() > 0;
}

void PgStore::InsertSession(const Session& session, int max_live_per_key) {
  auto db = pool_.Acquire();
  pg::Transaction transaction(*db);
  db->Exec("DELETE FROM sessions WHERE expires_at <= $1", Params(session.created_at));
  db->Exec(
      "DELETE FROM sessions WHERE key_id = $1 AND token_hash NOT IN (SELECT token_hash FROM "
      "sessions WHERE key_id = $1 ORDER BY created_at DESC, token_hash LIMIT $2)",
      Params(session.key_id, std::int64_t{std::max(0, max_live_per_key - 1)}));
  db->Exec(
      "INSERT INTO sessions (token_hash, key_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
      Params(pg::Bytes{session.token_hash}, session.key_id, session.created_at,
             session.expires_at));
  transaction.Commit();
}

std::optional<ApiKey> PgStore::FindSessionKey(const std::string& token_hash, TimeMs now) {
  auto db = pool_.Acquire();
  return db
      ->Exec(
          "SELECT k.id, k.org_id, k.name, k.role, k.key_hash, k.key_prefix, k.created_at "
          "FROM sessions s JOIN api_keys k ON k.id = s.key_id "
          "WHERE s.token_hash = $1 AND s.expires_at > $2",
          Params(pg::Bytes{token_hash}, now))
      .ReadFirst(rows::ReadApiKey<pg::Row>);
}

void PgStore::DeleteSession(const std::string& token_hash) {
  auto db = pool_.Acquire();
  db->Exec("DELETE FROM sessions WHERE token_hash = $1", Params(pg::Bytes{token_hash}));
}

}  // namespace rehook
