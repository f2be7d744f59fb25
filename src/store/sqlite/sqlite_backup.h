#pragma once
// Backups of the SQLite store. A backup is SQLite's online backup API on a reader connection
// that holds one read transaction throughout (a consistent snapshot; in WAL mode the writer never
// waits for it, so captures carry on), copying raw pages a step at a time into a new file that
// is synced as it grows. A restore checks the file first (SQLite's integrity check, a rehook
// schema this binary knows) and only then puts it in place of the data directory's store.

#include <string>

#include "store/roles/store_backup.h"
#include "store/sqlite/sqlite_backend.h"

namespace rehook::sqlite {

class SqliteBackup final : public StoreBackup {
 public:
  explicit SqliteBackup(SqliteBackend& backend) : backend_(backend) {}
  void BackupTo(const std::string& path, std::int64_t max_bytes_per_second) override;

 private:
  SqliteBackend& backend_;
};

// Throws StoreError naming what is wrong unless `path` is an intact rehook store of a schema
// version this binary can open (older ones are migrated when the server starts).
void CheckBackupFile(const std::string& path);

// Checks `backup` (CheckBackupFile), then copies it to `store_path` (the data directory's
// rehook.db) durably, dropping the old store's WAL files. Refuses when a store is there already
// unless `replace`. The caller holds the data directory's lock (no server is using it).
void RestoreBackup(const std::string& backup, const std::string& store_path, bool replace);

}  // namespace rehook::sqlite
