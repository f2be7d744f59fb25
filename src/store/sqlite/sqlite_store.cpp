#include "store/sqlite/sqlite_store.h"

namespace rehook {

SqliteStore::SqliteStore(const std::string& path)
    : backend_(path),
      checkpointer_(path, backend_.writer()),
      tenancy_(backend_),
      configuration_(backend_),
      events_(backend_),
      work_(backend_),
      replays_(backend_),
      cluster_(backend_),
      traffic_(backend_),
      notifications_(backend_),
      backup_(backend_) {}

bool SqliteStore::Ping() {
  try {
    return backend_.Read([](sql::Session& db) { return db.Prepare("SELECT 1")->Step(); });
  } catch (const StoreError&) {
    return false;
  }
}

}  // namespace rehook
