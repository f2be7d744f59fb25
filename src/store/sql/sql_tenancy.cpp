#include "store/sql/sql_tenancy.h"

#include <algorithm>

#include "store/row_readers.h"
#include "store/sql/sql_paging.h"

namespace rehook {
namespace {

const std::string kSelectOrganization =
    std::string("SELECT ") + rows::kOrganizationColumns + " FROM organizations";
const std::string kSelectApiKey = std::string("SELECT ") + rows::kApiKeyColumns + " FROM api_keys";

void InsertOrganizationRow(sql::Session& db, const Organization& org) {
  db.Prepare(
        "INSERT INTO organizations (id, name, retention_days, created_at) VALUES (?1, ?2, ?3, ?4)")
      ->BindAll(org.id, org.name, org.retention_days, org.created_at)
      .Run();
}

void InsertApiKeyRow(sql::Session& db, const ApiKey& key) {
  db.Prepare(
        "INSERT INTO api_keys (id, org_id, name, role, key_hash, key_prefix, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
      ->BindAll(key.id, key.org_id, key.name, RoleName(key.role), sql::Blob{key.key_hash},
                key.key_prefix, key.created_at)
      .Run();
}

}  // namespace

bool SqlTenancy::BootstrapFirstOrganization(const Organization& org, const ApiKey& key) {
  return backend_.Write([&](sql::Session& db) {
    sql::Transaction transaction(db);
    const std::string& lock = backend_.dialect().bootstrap_lock;
    if (!lock.empty()) db.Prepare(lock)->Run();
    if (db.Prepare("SELECT 1 FROM organizations LIMIT 1")->Step()) return false;
    InsertOrganizationRow(db, org);
    InsertApiKeyRow(db, key);
    transaction.Commit();
    return true;
  });
}

void SqlTenancy::InsertOrganization(const Organization& org) {
  backend_.Write([&](sql::Session& db) { InsertOrganizationRow(db, org); });
}

std::optional<Organization> SqlTenancy::GetOrganization(const std::string& org_id) {
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(kSelectOrganization + " WHERE id = ?1")
        ->BindAll(org_id)
        .ReadFirst(rows::ReadOrganization<sql::Statement>);
  });
}

Page<Organization> SqlTenancy::ListOrganizations(const PageRequest& page) {
  static const std::string sql = kSelectOrganization + " WHERE " + sql::NewestFirstPage(1);
  return backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(sql);
    sql::BindPage(*select, page);
    return sql::ReadPage<Organization>(*select, page, rows::ReadOrganization<sql::Statement>);
  });
}

bool SqlTenancy::UpdateOrganization(const Organization& org) {
  return backend_.Write([&](sql::Session& db) {
    return db.Prepare("UPDATE organizations SET name = ?2, retention_days = ?3 WHERE id = ?1")
               ->BindAll(org.id, org.name, org.retention_days)
               .Run() > 0;
  });
}

void SqlTenancy::InsertApiKey(const ApiKey& key) {
  backend_.Write([&](sql::Session& db) { InsertApiKeyRow(db, key); });
}

std::optional<ApiKey> SqlTenancy::FindApiKeyByHash(const std::string& key_hash) {
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(kSelectApiKey + " WHERE key_hash = ?1")
        ->BindAll(sql::Blob{key_hash})
        .ReadFirst(rows::ReadApiKey<sql::Statement>);
  });
}

std::optional<ApiKey> SqlTenancy::GetApiKey(const std::string& org_id, const std::string& key_id) {
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(kSelectApiKey + " WHERE org_id = ?1 AND id = ?2")
        ->BindAll(org_id, key_id)
        .ReadFirst(rows::ReadApiKey<sql::Statement>);
  });
}

Page<ApiKey> SqlTenancy::ListApiKeys(const std::string& org_id, const PageRequest& page) {
  static const std::string sql =
      kSelectApiKey + " WHERE org_id = ?1 AND " + sql::NewestFirstPage(2);
  return backend_.Read([&](sql::Session& db) {
    auto select = db.Prepare(sql);
    select->Bind(org_id);
    sql::BindPage(*select, page);
    return sql::ReadPage<ApiKey>(*select, page, rows::ReadApiKey<sql::Statement>);
  });
}

bool SqlTenancy::DeleteApiKey(const std::string& org_id, const std::string& key_id) {
  // Sessions go with the key (ON DELETE CASCADE).
  return backend_.Write([&](sql::Session& db) {
    return db.Prepare("DELETE FROM api_keys WHERE org_id = ?1 AND id = ?2")
               ->BindAll(org_id, key_id)
               .Run() > 0;
  });
}

void SqlTenancy::InsertSession(const Session& session, int max_live_per_key) {
  backend_.Write([&](sql::Session& db) {
    sql::Transaction transaction(db);
    db.Prepare("DELETE FROM sessions WHERE expires_at <= ?1")->BindAll(session.created_at).Run();
    db.Prepare(
          "DELETE FROM sessions WHERE key_id = ?1 AND token_hash NOT IN (SELECT token_hash FROM "
          "sessions WHERE key_id = ?1 ORDER BY created_at DESC, token_hash LIMIT ?2)")
        ->BindAll(session.key_id, std::int64_t{std::max(0, max_live_per_key - 1)})
        .Run();
    db.Prepare(
          "INSERT INTO sessions (token_hash, key_id, created_at, expires_at) "
          "VALUES (?1, ?2, ?3, ?4)")
        ->BindAll(sql::Blob{session.token_hash}, session.key_id, session.created_at,
                  session.expires_at)
        .Run();
    transaction.Commit();
  });
}

std::optional<ApiKey> SqlTenancy::FindSessionKey(const std::string& token_hash, TimeMs now) {
  return backend_.Read([&](sql::Session& db) {
    return db
        .Prepare(
            "SELECT k.id, k.org_id, k.name, k.role, k.key_hash, k.key_prefix, k.created_at "
            "FROM sessions s JOIN api_keys k ON k.id = s.key_id "
            "WHERE s.token_hash = ?1 AND s.expires_at > ?2")
        ->BindAll(sql::Blob{token_hash}, now)
        .ReadFirst(rows::ReadApiKey<sql::Statement>);
  });
}

void SqlTenancy::DeleteSession(const std::string& token_hash) {
  backend_.Write([&](sql::Session& db) {
    db.Prepare("DELETE FROM sessions WHERE token_hash = ?1")->BindAll(sql::Blob{token_hash}).Run();
  });
}

}  // namespace rehook
