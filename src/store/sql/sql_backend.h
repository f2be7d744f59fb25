#pragma once
// The thin SQL backend the store's roles are written against (store/sql/sql_*.h): statements
// prepared once per connection and reused, parameters bound in order with their types, rows
// stepped through and read by column, transactions, and the few clauses the engines spell
// differently (Dialect). SQLite (store/sqlite/sqlite_backend.h) and PostgreSQL
// (store/postgres/pg_backend.h) implement it; what only one engine does (SQLite's WAL sync and
// space reclaim, PostgreSQL's pipelined batches) stays in the engine's own folder.
//
// SQL is written once, with SQLite's placeholders ?1, ?2, ...; the PostgreSQL connection
// rewrites them to $1, $2, ... when it first prepares a statement.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/roles/store_error.h"
#include "store/sql/sql_blob.h"

namespace rehook::sql {

// The type of a NULL parameter: PostgreSQL prepares a statement with its parameters' types.
enum class Type { kText, kBytes, kInt64, kBool };

// One prepared statement on one connection. Its columns are read the way store/row_readers.h
// expects (Text, Bytes, Int64, OptionalInt64, IsNull by index), so the row readers serve it.
class Statement {
 public:
  virtual ~Statement() = default;

  // Binds the next parameter: the first call binds ?1, the next ?2, and so on.
  virtual void BindText(std::string_view text) = 0;
  virtual void BindBytes(std::string_view bytes) = 0;
  virtual void BindInt64(std::int64_t value) = 0;
  virtual void BindBool(bool value) = 0;
  virtual void BindNull(Type type) = 0;

  // Runs the statement on the first call, then advances; true while a row is available.
  virtual bool Step() = 0;
  // Rows the statement inserted, updated or deleted, once it has run.
  virtual std::int64_t Changes() const = 0;

  // Columns of the current row.
  virtual bool IsNull(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  virtual std::string Bytes(int column) const = 0;
  virtual std::int64_t Int64(int column) const = 0;
  std::optional<std::int64_t> OptionalInt64(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Int64(column);
  }

  void Bind(std::string_view text) { BindText(text); }
  void Bind(const std::string& text) { BindText(text); }
  void Bind(const char* text) { BindText(text); }
  void Bind(Blob blob) { BindBytes(blob.bytes); }
  void Bind(std::int64_t value) { BindInt64(value); }
  void Bind(int value) { BindInt64(value); }
  void Bind(bool value) { BindBool(value); }
  template <class T>
  void Bind(const std::optional<T>& value) {
    if (value) {
      Bind(*value);
    } else if constexpr (std::is_same_v<T, bool>) {
      BindNull(Type::kBool);
    } else if constexpr (std::is_integral_v<T>) {
      BindNull(Type::kInt64);
    } else {
      BindNull(Type::kText);
    }
  }
  // Binds each argument in turn (to ?1, ?2, ... of a fresh statement).
  template <class... Args>
  Statement& BindAll(const Args&... args) {
    (Bind(args), ...);
    return *this;
  }

  // Runs a statement whose rows nobody reads; returns Changes().
  std::int64_t Run() {
    while (Step()) {
    }
    return Changes();
  }
  // Every row, read with `read_row`.
  template <class ReadRow>
  auto ReadAll(ReadRow read_row) {
    std::vector<std::decay_t<decltype(read_row(*this))>> items;
    while (Step()) items.push_back(read_row(*this));
    return items;
  }
  // The first row read with `read_row`, or nullopt when there is none. The statement runs to
  // its end either way (an UPDATE ... RETURNING finishes its work).
  template <class ReadRow>
  auto ReadFirst(ReadRow read_row) -> std::optional<std::decay_t<decltype(read_row(*this))>> {
    if (!Step()) return std::nullopt;
    auto first = read_row(*this);
    Run();
    return first;
  }
};

// A connection held by one thread for the length of one Backend call.
class Session {
 public:
  virtual ~Session() = default;

  // The statement `sql`, prepared on this connection the first time and reused after; its
  // parameters are cleared when the returned handle goes.
  virtual std::unique_ptr<Statement> Prepare(const std::string& sql) = 0;

  virtual void Begin() = 0;
  virtual void Commit() = 0;
  virtual void Rollback() = 0;
};

// Begins on construction; rolls back on destruction unless Commit() was called.
class Transaction {
 public:
  explicit Transaction(Session& session) : session_(session) { session_.Begin(); }
  ~Transaction() {
    if (done_) return;
    try {
      session_.Rollback();
    } catch (const StoreError&) {
      // The transaction is gone either way (a broken connection rolls back on its own).
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit() {
    session_.Commit();
    done_ = true;
  }

 private:
  Session& session_;
  bool done_ = false;
};

// The clauses the engines spell differently, each with why.
struct Dialect {
  // Ends the subquery that picks delivery tasks or replay jobs to lease. PostgreSQL:
  // " FOR UPDATE SKIP LOCKED", so nodes claiming at the same moment take different rows instead
  // of queueing behind each other's locks; SQLite has one writer and nothing to skip.
  std::string skip_locked;
  // Run first in the transaction that bootstraps the first organization. PostgreSQL: an
  // advisory lock, so that nodes starting together create one; SQLite's writer is alone anyway.
  std::string bootstrap_lock;
  // Live streams read events in commit order (CommitPosition, store/queries.h). What orders
  // commits: SQLite's row number (its one writer commits in turn); on PostgreSQL the
  // transaction that inserted the event (schema 10).
  std::string commit_column = "seq";
  // Keeps such a read to settled commits, which no later commit can precede. PostgreSQL: a
  // transaction still running may have a lower id than one already committed, so only those
  // below the oldest one running (the snapshot's xmin) are read. SQLite has nothing unsettled.
  std::string settled_commits;
  // One row, one column: the latest settled commit, where a stream that starts now begins.
  std::string latest_commit = "SELECT COALESCE(MAX(seq), 0) FROM events";
};

// The connections of one database. Every call runs `work(Session&)` on a connection of the
// right kind and returns what `work` returns.
class Backend {
 public:
  virtual ~Backend() = default;

  virtual const Dialect& dialect() const = 0;

  // Reads (SQLite: on a pooled reader, which never waits for the writer).
  template <class Work>
  auto Read(Work&& work) {
    return Run(Access::kRead, work);
  }
  // Writes, durable when the call returns (SQLite: the WAL is fsync'd; see wal_sync.h).
  template <class Work>
  auto Write(Work&& work) {
    return Run(Access::kWrite, work);
  }
  // Writes of what need not survive a crash (leases, pacing, circuits: losing one only frees
  // work early), so nothing waits for an fsync.
  template <class Work>
  auto WriteUnsynced(Work&& work) {
    return Run(Access::kWriteUnsynced, work);
  }

 protected:
  enum class Access { kRead, kWrite, kWriteUnsynced };
  virtual void RunOn(Access access, const std::function<void(Session&)>& work) = 0;

 private:
  template <class Work>
  auto Run(Access access, Work& work) {
    using Result = std::invoke_result_t<Work&, Session&>;
    if constexpr (std::is_void_v<Result>) {
      RunOn(access, [&](Session& session) { work(session); });
    } else {
      std::optional<Result> result;
      RunOn(access, [&](Session& session) { result.emplace(work(session)); });
      return std::move(*result);
    }
  }
};

}  // namespace rehook::sql
