#include "store/sqlite/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "store/roles/store_error.h"
#include "store/sqlite/sqlite_schema.h"

namespace rehook::sqlite {
namespace {

namespace fs = std::filesystem;

std::string SystemError(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// fsync of a file or a directory (so a rename or a new file in it survives a power cut).
void SyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw StoreError(SystemError("cannot open", path));
  const int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) throw StoreError(SystemError("cannot fsync", path));
}

std::string DirectoryOf(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using ReadOnlyDb = std::unique_ptr<sqlite3, CloseDb>;

// The rows of a one-column pragma (integrity_check lists problems; "ok" when there are none).
std::vector<std::string> PragmaRows(sqlite3* db, const std::string& path,
                                    const std::string& pragma) {
  auto unreadable = [&] {
    return StoreError(path + " is not a readable SQLite database (" + sqlite3_errmsg(db) + ")");
  };
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, pragma.c_str(), -1, &raw, nullptr) != SQLITE_OK) throw unreadable();
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
  std::vector<std::string> rows;
  int step = SQLITE_ROW;
  while ((step = sqlite3_step(raw)) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(raw, 0);
    rows.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  if (step != SQLITE_DONE) throw unreadable();
  return rows;
}

}  // namespace

void SqliteBackup::BackupTo(const std::string& path) {
  if (fs::exists(path)) throw StoreError("the backup file " + path + " exists already");
  backend_.Read([&](sql::Session& db) { db.Prepare("VACUUM INTO ?1")->BindAll(path).Run(); });
  SyncPath(path, false);  // VACUUM INTO does not sync what it writes
  SyncPath(DirectoryOf(path), true);
}

void CheckBackupFile(const std::string& path) {
  if (!fs::is_regular_file(path)) throw StoreError(path + " is not a file");
  sqlite3* raw = nullptr;
  const int opened =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  ReadOnlyDb db(raw);
  if (opened != SQLITE_OK) throw StoreError("cannot open " + path + " as a SQLite database");
  const std::vector<std::string> problems = PragmaRows(db.get(), path, "PRAGMA integrity_check");
  if (problems.size() != 1 || problems[0] != "ok") {
    throw StoreError(path + " is damaged (SQLite's integrity check: " +
                     (problems.empty() ? std::string("no answer") : problems[0]) + ")");
  }
  const std::vector<std::string> version = PragmaRows(db.get(), path, "PRAGMA user_version");
  const int schema = version.empty() ? 0 : std::stoi(version[0]);
  const std::vector<std::string> events = PragmaRows(
      db.get(), path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events'");
  if (schema <= 0 || events.empty()) throw StoreError(path + " is not a rehook store");
  if (schema > LatestSchemaVersion()) {
    throw StoreError(path + " was written by a newer rehook (schema version " +
                     std::to_string(schema) + "; this one knows up to " +
                     std::to_string(LatestSchemaVersion()) + "): restore it with that version");
  }
}

void RestoreBackup(const std::string& backup, const std::string& store_path, bool replace) {
  CheckBackupFile(backup);
  if (fs::exists(store_path) && !replace) {
    throw StoreError(store_path + " exists: pass --force to replace it with the backup");
  }
  const std::string staged = store_path + ".restoring";
  fs::remove(staged);
  fs::copy_file(backup, staged);
  SyncPath(staged, false);
  // The old store's WAL would otherwise be applied to the restored file when it is opened.
  fs::remove(store_path + "-wal");
  fs::remove(store_path + "-shm");
  fs::rename(staged, store_path);
  SyncPath(DirectoryOf(store_path), true);
}

}  // namespace rehook::sqlite
