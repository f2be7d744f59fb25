#pragma once
// The SQL backend (store/sql/sql_backend.h) over one SQLite file in WAL mode. All writes go
// through one writer connection (SQLite allows one writer at a time anyway); reads use pooled
// connections so they never wait for a commit. Backend::Write makes its commit durable through
// WalSync (see wal_sync.h) before it returns; the group-commit batch (SqliteEventLog) holds the
// writer directly and leaves its sync to SyncBatches.

#include <memory>
#include <mutex>
#include <string>

#include "store/sql/sql_backend.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/wal_sync.h"

namespace rehook::sqlite {

class SqliteBackend final : public sql::Backend {
 public:
  // Opens the writer connection on `path` and migrates the file to the latest schema.
  explicit SqliteBackend(const std::string& path);

  const sql::Dialect& dialect() const override { return dialect_; }

  // Runs `fn(Database&)` with the writer held exclusively, without waiting for durability.
  template <class F>
  auto WithWriterUnsynced(F&& fn) {
    std::lock_guard lock(writer_mutex_);
    return fn(writer_);
  }
  // Runs `fn(Database&)` on a pooled reader connection (an online backup's long read).
  template <class F>
  auto WithReader(F&& fn) {
    auto reader = readers_.Acquire();
    return fn(*reader);
  }
  Database& writer() { return writer_; }
  WalSync& wal() { return *wal_; }

 protected:
  void RunOn(Access access, const std::function<void(sql::Session&)>& work) override;

 private:
  const sql::Dialect dialect_;
  std::mutex writer_mutex_;
  Database writer_;
  DatabasePool readers_;
  std::unique_ptr<WalSync> wal_;
};

}  // namespace rehook::sqlite
