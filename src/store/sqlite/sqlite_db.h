#pragma once
// A small RAII layer over the SQLite C API: connections, cached prepared statements, transactions.
// Every error becomes a StoreError carrying SQLite's message.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/sql/sql_blob.h"
#include "store/store.h"

namespace rehook::sqlite {

// Marks a value to be bound as a BLOB rather than TEXT.
using Blob = sql::Blob;

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void Bind(int index, std::string_view text);
  void Bind(int index, const std::string& text) { Bind(index, std::string_view(text)); }
  void Bind(int index, const char* text) { Bind(index, std::string_view(text)); }
  void Bind(int index, Blob blob);
  void Bind(int index, std::int64_t value);
  void Bind(int index, int value) { Bind(index, static_cast<std::int64_t>(value)); }
  void Bind(int index, bool value) { Bind(index, static_cast<std::int64_t>(value ? 1 : 0)); }
  void Bind(int index, std::nullopt_t);
  template <class T>
  void Bind(int index, const std::optional<T>& value) {
    if (value) {
      Bind(index, *value);
    } else {
      Bind(index, std::nullopt);
    }
  }
  // Binds each argument to ?1, ?2, ...
  template <class... Args>
  void BindAll(const Args&... args) {
    int index = 0;
    (Bind(++index, args), ...);
  }

  // Advances; true while a row is available.
  bool Step();
  // Runs a statement that returns no rows.
  void Run() {
    while (Step()) {
    }
  }
  void Reset();

  std::int64_t Int64(int column) const;
  std::string Text(int column) const;
  std::string Bytes(int column) const;
  bool IsNull(int column) const;
  std::optional<std::int64_t> OptionalInt64(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens (creating if needed) the database at `path` and applies rehook's pragmas.
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void Exec(std::string_view sql);

  // A statement prepared once per connection and reused; reset when the lease ends.
  class Lease {
   public:
    explicit Lease(Statement& statement) : statement_(statement) {}
    ~Lease() { statement_.Reset(); }
    Statement* operator->() { return &statement_; }
    Statement& operator*() { return statement_; }

   private:
    Statement& statement_;
  };
  Lease Prepare(const std::string& sql);

  std::int64_t Changes() const { return sqlite3_changes64(db_); }
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless Commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& connection);
  ~Transaction();
  void Commit();

 private:
  Database& connection_;
  bool done_ = false;
};

// Read connections handed to whichever store thread needs one (WAL lets them read while the
// writer commits).
class DatabasePool {
 public:
  explicit DatabasePool(std::string path) : path_(std::move(path)) {}

  class Lease {
   public:
    Lease(DatabasePool& pool, std::unique_ptr<Database> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease() { pool_.Release(std::move(connection_)); }
    Database& operator*() { return *connection_; }
    Database* operator->() { return connection_.get(); }

   private:
    DatabasePool& pool_;
    std::unique_ptr<Database> connection_;
  };
  Lease Acquire();

 private:
  void Release(std::unique_ptr<Database> connection);

  std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Database>> idle_;
};

}  // namespace rehook::sqlite
