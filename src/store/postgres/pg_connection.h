#pragma once
// A small RAII layer over libpq: connections with cached prepared statements, typed parameters,
// results read by row, transactions and pipelined batches. Every error becomes a StoreError
// carrying PostgreSQL's message.
//
// Parameters are sent in binary with their types, so text with any bytes reaches the server
// intact (rather than being cut at a NUL the way libpq's text format would); results come back
// in binary too, so bytea columns (bodies, headers) need no hex decoding.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/sql/sql_blob.h"
#include "store/store.h"

namespace rehook::pg {

// Type OIDs of the built-in types rehook uses (pg_type.h is not part of libpq's interface).
inline constexpr Oid kBoolOid = 16;
inline constexpr Oid kByteaOid = 17;
inline constexpr Oid kInt8Oid = 20;
inline constexpr Oid kInt2Oid = 21;
inline constexpr Oid kInt4Oid = 23;
inline constexpr Oid kTextOid = 25;

// Marks a value to be sent as bytea rather than text.
using Bytes = sql::Blob;

// `sql` with SQLite's placeholders ?1, ?2, ... spelled $1, $2, ... (the store's SQL is written
// once, the SQLite way; see store/sql/sql_backend.h). Text in quotes is left alone.
std::string DollarPlaceholders(std::string_view sql);

// The parameters of one statement, $1, $2, ... in order.
class Params {
 public:
  template <class... Args>
  explicit Params(const Args&... args) {
    (Add(args), ...);
  }

  void Add(std::string_view text);
  void Add(const std::string& text) { Add(std::string_view(text)); }
  void Add(const char* text) { Add(std::string_view(text)); }
  void Add(Bytes bytes);
  void Add(std::int64_t value);
  void Add(int value) { Add(static_cast<std::int64_t>(value)); }
  void Add(bool value);
  // A NULL of the given type (PostgreSQL prepares statements with typed parameters).
  void AddNull(Oid type);
  template <class T>
  void Add(const std::optional<T>& value) {
    if (value) {
      Add(*value);
    } else {
      AddNull(TypeOf<T>());
    }
  }

  int size() const { return static_cast<int>(types_.size()); }
  const Oid* types() const { return types_.data(); }
  std::vector<const char*> values() const;
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  template <class T>
  static constexpr Oid TypeOf() {
    if constexpr (std::is_same_v<T, bool>) {
      return kBoolOid;
    } else if constexpr (std::is_integral_v<T>) {
      return kInt8Oid;
    } else {
      return kTextOid;
    }
  }
  void Append(Oid type, std::string value, bool null);

  std::vector<Oid> types_;
  std::vector<std::string> storage_;
  std::vector<bool> nulls_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// One row of a Result, read by column index (binary format).
class Row {
 public:
  Row(const PGresult* result, int row) : result_(result), row_(row) {}

  bool IsNull(int column) const;
  std::string Text(int column) const;
  std::string Bytes(int column) const { return Text(column); }
  // bigint, integer, smallint and boolean columns.
  std::int64_t Int64(int column) const;
  std::optional<std::int64_t> OptionalInt64(int column) const;

 private:
  const PGresult* result_;
  int row_;
};

class Result {
 public:
  explicit Result(PGresult* result) : result_(result, PQclear) {}

  const PGresult* raw() const { return result_.get(); }
  int rows() const { return PQntuples(result_.get()); }
  Row row(int index) const { return Row(result_.get(), index); }
  // Rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected() const;

  // Reads every row with `read_row`.
  template <class ReadRow>
  auto ReadAll(ReadRow read_row) const {
    std::vector<decltype(read_row(row(0)))> items;
    items.reserve(static_cast<size_t>(rows()));
    for (int i = 0; i < rows(); ++i) items.push_back(read_row(row(i)));
    return items;
  }
  // The first row read with `read_row`, or nullopt when there is none.
  template <class ReadRow>
  auto ReadFirst(ReadRow read_row) const -> std::optional<decltype(read_row(row(0)))> {
    if (rows() == 0) return std::nullopt;
    return read_row(row(0));
  }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

class Connection {
 public:
  // Connects with a libpq connection string or URL (postgres://...).
  explicit Connection(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement (prepared once per connection and reused; placeholders ?N or $N).
  Result Exec(const std::string& sql, const Params& params = Params());
  // Runs SQL text without parameters (may hold several statements).
  void ExecScript(const std::string& sql);

  // Runs every statement in one round trip and one transaction (pipeline mode; committed at
  // the end, all or nothing). Throws the first statement's error. A statement whose rows the
  // caller wants names where to put them (`rows`).
  struct Statement {
    Statement(const std::string* sql, Params params, std::optional<Result>* rows = nullptr)
        : sql(sql), params(std::move(params)), rows(rows) {}
    const std::string* sql;
    Params params;
    std::optional<Result>* rows;
  };
  void ExecPipelined(const std::vector<Statement>& statements);

  // False once the connection has broken (the pool then drops it).
  bool healthy() const;

 private:
  // The name of `sql`'s prepared statement, preparing it on first use.
  const std::string& Prepared(const std::string& sql, const Params& params);
  [[noreturn]] void Fail(std::string_view what, const PGresult* result = nullptr) const;

  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
  // Set while a pipeline is under way: one that failed midway leaves the connection in a state
  // no later caller should inherit, so the pool drops it.
  bool in_pipeline_ = false;
};

// BEGIN on construction; ROLLBACK on destruction unless Commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  void Commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace rehook::pg
