#include "store/postgres/pg_store.h"

namespace rehook {

PgStore::PgStore(const std::string& url)
    : backend_(url),
      tenancy_(backend_),
      configuration_(backend_),
      events_(backend_),
      work_(backend_),
      replays_(backend_),
      cluster_(backend_),
      traffic_(backend_),
      notifications_(backend_) {}

void PgBackupAdvice::BackupTo(const std::string&, std::int64_t) {
  throw BackupUnsupported(
      "the store is PostgreSQL: back it up with pg_dump, or with continuous archiving for "
      "point-in-time recovery (docs/OPERATIONS.md, \"Backup and restore\")");
}

bool PgStore::Ping() {
  try {
    return backend_.Read([](sql::Session& db) { return db.Prepare("SELECT 1")->Step(); });
  } catch (const StoreError&) {
    return false;
  }
}

}  // namespace rehook
