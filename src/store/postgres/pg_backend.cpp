#include "store/postgres/pg_backend.h"

#include "store/postgres/pg_schema.h"

namespace rehook::pg {
namespace {

// Parameters are collected as they are bound; the statement is prepared (once per connection,
// with the parameters' types) and run on the first Step, which fetches all of its rows.
class PgStatement final : public sql::Statement {
 public:
  PgStatement(Connection& db, const std::string& sql) : db_(db), sql_(sql) {}

  void BindText(std::string_view text) override { params_.Add(text); }
  void BindBytes(std::string_view bytes) override { params_.Add(pg::Bytes{bytes}); }
  void BindInt64(std::int64_t value) override { params_.Add(value); }
  void BindBool(bool value) override { params_.Add(value); }
  void BindNull(sql::Type type) override {
    switch (type) {
      case sql::Type::kText:
        return params_.AddNull(kTextOid);
      case sql::Type::kBytes:
        return params_.AddNull(kByteaOid);
      case sql::Type::kInt64:
        return params_.AddNull(kInt8Oid);
      case sql::Type::kBool:
        return params_.AddNull(kBoolOid);
    }
  }

  bool Step() override {
    if (!result_) {
      result_.emplace(db_.Exec(sql_, params_));
      row_ = 0;
    } else {
      ++row_;
    }
    return row_ < result_->rows();
  }
  std::int64_t Changes() const override { return result_ ? result_->affected() : 0; }

  bool IsNull(int column) const override { return row().IsNull(column); }
  std::string Text(int column) const override { return row().Text(column); }
  std::string Bytes(int column) const override { return row().Bytes(column); }
  std::int64_t Int64(int column) const override { return row().Int64(column); }

 private:
  Row row() const { return result_->row(row_); }

  Connection& db_;
  const std::string sql_;
  Params params_;
  std::optional<Result> result_;
  int row_ = 0;
};

class PgSession final : public sql::Session {
 public:
  explicit PgSession(Connection& db) : db_(db) {}

  std::unique_ptr<sql::Statement> Prepare(const std::string& sql) override {
    return std::make_unique<PgStatement>(db_, sql);
  }
  void Begin() override { db_.ExecScript("BEGIN"); }
  void Commit() override { db_.ExecScript("COMMIT"); }
  void Rollback() override { db_.ExecScript("ROLLBACK"); }

 private:
  Connection& db_;
};

}  // namespace

PgBackend::PgBackend(const std::string& url)
    : dialect_{.skip_locked = " FOR UPDATE SKIP LOCKED",
               // Serializes first-start bootstraps of several nodes ("rehook-bootstrap").
               .bootstrap_lock = "SELECT pg_advisory_xact_lock(125779421274732)",
               .commit_column = "commit_xid",
               .settled_commits =
                   " AND commit_xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
               .latest_commit = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1"},
      pool_(url) {
  auto db = pool_.Acquire();
  MigrateToLatest(*db);
}

void PgBackend::RunOn(Access, const std::function<void(sql::Session&)>& work) {
  auto db = pool_.Acquire();
  PgSession session(*db);
  work(session);
}

}  // namespace rehook::pg
