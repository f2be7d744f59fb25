#pragma once
// The SQL backend (store/sql/sql_backend.h) over PostgreSQL: each call takes a connection from
// the pool (store threads only, never io threads). Parameters travel in binary with their types
// (pg_connection.h); every write commits with synchronous_commit on, so Write and
// WriteUnsynced are alike: durable when they return.

#include <string>

#include "store/postgres/pg_pool.h"
#include "store/sql/sql_backend.h"

namespace rehook::pg {

class PgBackend final : public sql::Backend {
 public:
  // Connects with `url` (postgres://...) and migrates the database to the latest schema.
  explicit PgBackend(const std::string& url);

  const sql::Dialect& dialect() const override { return dialect_; }
  // For what the backend does not cover: the batch's pipeline (PgEventLog).
  ConnectionPool& pool() { return pool_; }

 protected:
  void RunOn(Access access, const std::function<void(sql::Session&)>& work) override;

 private:
  const sql::Dialect dialect_;
  ConnectionPool pool_;
};

}  // namespace rehook::pg
