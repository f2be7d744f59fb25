#include "store/sqlite/sqlite_backend.h"

#include "store/sqlite/sqlite_schema.h"

namespace rehook::sqlite {
namespace {

// A cached statement of one connection; reset (its bindings cleared) when the handle goes.
class SqliteStatement final : public sql::Statement {
 public:
  SqliteStatement(Database& db, const std::string& sql)
      : db_(db), lease_(db.Prepare(sql)), statement_(*lease_) {}

  void BindText(std::string_view text) override { statement_.Bind(++bound_, text); }
  void BindBytes(std::string_view bytes) override { statement_.Bind(++bound_, Blob{bytes}); }
  void BindInt64(std::int64_t value) override { statement_.Bind(++bound_, value); }
  void BindBool(bool value) override { statement_.Bind(++bound_, value); }
  void BindNull(sql::Type) override { statement_.Bind(++bound_, std::nullopt); }

  bool Step() override { return statement_.Step(); }
  std::int64_t Changes() const override { return db_.Changes(); }

  bool IsNull(int column) const override { return statement_.IsNull(column); }
  std::string Text(int column) const override { return statement_.Text(column); }
  std::string Bytes(int column) const override { return statement_.Bytes(column); }
  std::int64_t Int64(int column) const override { return statement_.Int64(column); }

 private:
  Database& db_;
  Database::Lease lease_;
  sqlite::Statement& statement_;  // lease_'s
  int bound_ = 0;
};

class SqliteSession final : public sql::Session {
 public:
  explicit SqliteSession(Database& db) : db_(db) {}

  std::unique_ptr<sql::Statement> Prepare(const std::string& sql) override {
    return std::make_unique<SqliteStatement>(db_, sql);
  }
  // IMMEDIATE: the write lock is taken at once, so a transaction never fails midway on it.
  void Begin() override { db_.Exec("BEGIN IMMEDIATE"); }
  void Commit() override { db_.Exec("COMMIT"); }
  void Rollback() override { db_.Exec("ROLLBACK"); }

 private:
  Database& db_;
};

}  // namespace

SqliteBackend::SqliteBackend(const std::string& path) : writer_(path), readers_(path) {
  MigrateToLatest(writer_);
  // The writer's page cache (SQLite's default: 2 MB) holds the pages every group commit
  // touches: with hundreds of replay jobs, each one's tail of delivery_attempts_by_job and its
  // row. A smaller one had it read them back from the OS for each commit.
  writer_.Exec("PRAGMA cache_size=-32768");
  wal_ = std::make_unique<WalSync>(path);
  wal_->Sync();
}

void SqliteBackend::RunOn(Access access, const std::function<void(sql::Session&)>& work) {
  if (access == Access::kRead) {
    auto reader = readers_.Acquire();
    SqliteSession session(*reader);
    work(session);
    return;
  }
  {
    std::lock_guard lock(writer_mutex_);
    SqliteSession session(writer_);
    work(session);
  }
  if (access == Access::kWrite) wal_->Sync();
}

}  // namespace rehook::sqlite
