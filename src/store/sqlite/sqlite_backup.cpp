#include "store/sqlite/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

#include "common/file_sync.h"
#include "common/log.h"
#include "store/roles/store_error.h"
#include "store/sqlite/sqlite_schema.h"

namespace rehook::sqlite {
namespace {

namespace fs = std::filesystem;

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, CloseDb>;

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

void Exec(sqlite3* db, const char* sql, const std::string& path) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string reason = error ? error : sqlite3_errmsg(db);
    sqlite3_free(error);
    throw StoreError(path + ": " + reason);
  }
}

// An open file descriptor (to sync the copy as SQLite writes it), closed when it goes.
struct Descriptor {
  explicit Descriptor(const std::string& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd < 0) throw StoreError("cannot open " + path + ": " + std::strerror(errno));
  }
  ~Descriptor() { ::close(fd); }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  const int fd;
};

// A read transaction on `reader` for as long as it lives. Every step of the backup reads this
// one snapshot: captures committed meanwhile are not in the copy and do not make it start over
// (without it each step reads the latest snapshot, and any commit in between restarts the copy
// from its first page). In WAL mode the writer never waits for a reader.
class Snapshot {
 public:
  explicit Snapshot(Database& reader) : reader_(reader) {
    reader_.Exec("BEGIN");
    reader_.Exec("SELECT count(*) FROM sqlite_master");  // a deferred BEGIN reads on first use
  }
  ~Snapshot() {
    try {
      reader_.Exec("ROLLBACK");
    } catch (const StoreError&) {
      // The transaction ends with the connection's next use either way.
    }
  }
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

 private:
  Database& reader_;
};

// Copies the pages of `source` into a new database file at `path`, raw (no rebuild of tables or
// indexes, unlike VACUUM INTO), a few megabytes per step. What is written is synced every
// kSyncBytes: one fsync of the whole copy at the end would queue the store's own WAL fsyncs,
// which acknowledge the captures, behind gigabytes of writeback. With `max_bytes_per_second`
// (0: no limit) the copy waits between steps so that it never gets ahead of that rate.
void CopyPages(sqlite3* source, const std::string& path, std::int64_t max_bytes_per_second) {
  constexpr int kPagesPerStep = 64;
  constexpr std::int64_t kSyncBytes = 32 << 20;
  sqlite3* raw = nullptr;
  const int opened =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection copy(raw);
  if (opened != SQLITE_OK) throw StoreError("cannot create " + path);
  // No journal, no syncs of SQLite's own: a failed copy is deleted, and the syncs are ours. A
  // small cache, so that copied pages go to the file as they come rather than at the end.
  Exec(copy.get(), "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-512", path);
  const std::int64_t page_bytes = std::stoll(PragmaRows(source, path, "PRAGMA page_size").at(0));
  {
    std::unique_ptr<sqlite3_backup, int (*)(sqlite3_backup*)> backup(
        sqlite3_backup_init(copy.get(), "main", source, "main"), sqlite3_backup_finish);
    if (!backup) throw StoreError(path + ": " + sqlite3_errmsg(copy.get()));
    const Descriptor file(path);
    std::int64_t synced_bytes = 0;
    int remaining = -1;
    int restarts = 0;
    int step = SQLITE_OK;
    const auto started = std::chrono::steady_clock::now();
    for (;;) {
      step = sqlite3_backup_step(backup.get(), kPagesPerStep);
      if (step != SQLITE_OK && step != SQLITE_DONE) break;
      const int left = sqlite3_backup_remaining(backup.get());
      if (remaining >= 0 && left > remaining) ++restarts;  // should not happen under a Snapshot
      remaining = left;
      // What has been copied so far (the copy's small cache has written nearly all of it).
      const std::int64_t copied_bytes =
          (sqlite3_backup_pagecount(backup.get()) - left) * page_bytes;
      if (copied_bytes - synced_bytes >= kSyncBytes) {
        AsStoreError([&] { SyncDescriptor(file.fd, path); });
        synced_bytes = copied_bytes;
      }
      if (max_bytes_per_second > 0) {
        const std::chrono::duration<double> due(static_cast<double>(copied_bytes) /
                                                static_cast<double>(max_bytes_per_second));
        std::this_thread::sleep_until(
            started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(due));
      }
      if (step == SQLITE_DONE) break;
    }
    if (step != SQLITE_DONE) {
      throw StoreError(path + ": the backup stopped: " + sqlite3_errstr(step));
    }
    if (restarts > 0) log::Warn("backup.restarted", {{"times", std::to_string(restarts)}});
  }
  // The pages carry the store's WAL flag; a backup file stands alone, without a -wal beside it.
  Exec(copy.get(), "PRAGMA journal_mode=DELETE", path);
}

}  // namespace

void SqliteBackup::BackupTo(const std::string& path, std::int64_t max_bytes_per_second) {
  if (fs::exists(path)) throw StoreError("the backup file " + path + " exists already");
  backend_.WithReader([&](Database& reader) {
    Snapshot snapshot(reader);
    CopyPages(reader.handle(), path, max_bytes_per_second);
  });
  AsStoreError([&] {
    SyncFile(path);
    SyncDirectoryOf(path);
  });
}

void CheckBackupFile(const std::string& path) {
  if (!fs::is_regular_file(path)) throw StoreError(path + " is not a file");
  sqlite3* raw = nullptr;
  const int opened =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  Connection db(raw);
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
  AsStoreError([&] { SyncFile(staged); });
  // The old store's WAL would otherwise be applied to the restored file when it is opened.
  fs::remove(store_path + "-wal");
  fs::remove(store_path + "-shm");
  fs::rename(staged, store_path);
  AsStoreError([&] { SyncDirectoryOf(store_path); });
}

}  // namespace rehook::sqlite
