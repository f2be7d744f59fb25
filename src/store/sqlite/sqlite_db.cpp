#include "store/sqlite/sqlite_db.h"

#include "store/sqlite/wal_gather_vfs.h"

namespace rehook::sqlite {
namespace {

[[noreturn]] void Fail(sqlite3* db, std::string_view what) {
  throw StoreError(std::string("sqlite: ") + std::string(what) + ": " + sqlite3_errmsg(db));
}

// SQLite keeps process-wide memory statistics by default, taking a global mutex on every
// allocation; rehook never reads them, and on the group-commit thread that mutex was ~1 % of
// the CPU a capture costs. Must run before SQLite initializes, i.e. before the first open.
void TurnOffMemoryStatistics() {
  static const bool done = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);  // SQLITE_MISUSE if already initialized: fine
    return true;
  }();
  (void)done;
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt_, nullptr) != SQLITE_OK) {
    Fail(db, "prepare");
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::Bind(int index, std::string_view text) {
  if (sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
      SQLITE_OK) {
    Fail(db_, "bind text");
  }
}

void Statement::Bind(int index, Blob blob) {
  // A zero-length blob must still be a BLOB, not NULL: pass a non-null pointer.
  const char* data = blob.bytes.data() ? blob.bytes.data() : "";
  if (sqlite3_bind_blob64(stmt_, index, data, blob.bytes.size(), SQLITE_TRANSIENT) != SQLITE_OK) {
    Fail(db_, "bind blob");
  }
}

void Statement::Bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) Fail(db_, "bind int");
}

void Statement::Bind(int index, std::nullopt_t) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) Fail(db_, "bind null");
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Fail(db_, "step");
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::Int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size))
              : std::string();
}

std::string Statement::Bytes(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return data ? std::string(static_cast<const char*>(data), static_cast<size_t>(size))
              : std::string();
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::optional<std::int64_t> Statement::OptionalInt64(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int64(column);
}

Database::Database(const std::string& path) {
  TurnOffMemoryStatistics();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, WalGatherVfsName()) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw StoreError("sqlite: cannot open " + path + ": " + message);
  }
  sqlite3_busy_timeout(db_, 10000);
  // File-format choices, which only take effect while the database is still empty and must
  // come before WAL mode is switched on (no-ops for an existing file):
  // - 16 KB pages: a batch of captured events touches fewer pages, so fewer WAL frames (and
  //   write calls) per commit and per checkpoint;
  // - incremental auto-vacuum: retention and erasure can give freed pages back to the OS.
  Exec("PRAGMA page_size=16384");
  Exec("PRAGMA auto_vacuum=INCREMENTAL");
  // WAL lets readers run beside the single writer. synchronous=NORMAL: commits do not fsync;
  // SqliteStore makes them durable through WalSync before anything is acknowledged.
  Exec("PRAGMA journal_mode=WAL");
  Exec("PRAGMA synchronous=NORMAL");
  Exec("PRAGMA foreign_keys=ON");
  Exec("PRAGMA temp_store=MEMORY");
  // Deleted rows are overwritten with zeros, so an erased or expired event's body does not
  // linger in free pages of the file (it leaves the WAL as checkpoints recycle it).
  Exec("PRAGMA secure_delete=ON");
}

Database::~Database() {
  statements_.clear();
  sqlite3_close(db_);
}

void Database::Exec(std::string_view sql) {
  char* error = nullptr;
  std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw StoreError("sqlite: " + message + " in: " + text.substr(0, 80));
  }
}

Database::Lease Database::Prepare(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    it = statements_.emplace(sql, std::make_unique<Statement>(db_, sql)).first;
  }
  return Lease(*it->second);
}

Transaction::Transaction(Database& connection) : connection_(connection) {
  connection_.Exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      connection_.Exec("ROLLBACK");
    } catch (const StoreError&) {
      // The transaction is gone either way; nothing more to do.
    }
  }
}

void Transaction::Commit() {
  connection_.Exec("COMMIT");
  done_ = true;
}

DatabasePool::Lease DatabasePool::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
  }
  return Lease(*this, std::make_unique<Database>(path_));
}

void DatabasePool::Release(std::unique_ptr<Database> connection) {
  if (!connection) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
}

}  // namespace rehook::sqlite
