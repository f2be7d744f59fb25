#include "store/postgres/pg_connection.h"

#include <cstring>

namespace rehook::pg {
namespace {

constexpr int kBinaryFormat = 1;

std::string Trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::int64_t ReadBigEndian(const char* data, int size) {
  std::uint64_t value = 0;
  for (int i = 0; i < size; ++i) value = (value << 8) | static_cast<unsigned char>(data[i]);
  // Sign-extend narrower integers.
  if (size < 8 && size > 0 && (static_cast<unsigned char>(data[0]) & 0x80)) {
    value |= ~std::uint64_t{0} << (size * 8);
  }
  return static_cast<std::int64_t>(value);
}

}  // namespace

std::string DollarPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;  // the quote character while inside a quoted literal or identifier
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '$';
      continue;
    }
    out += c;
  }
  return out;
}

void Params::Append(Oid type, std::string value, bool null) {
  types_.push_back(type);
  lengths_.push_back(static_cast<int>(value.size()));
  formats_.push_back(kBinaryFormat);
  nulls_.push_back(null);
  storage_.push_back(std::move(value));
}

void Params::Add(std::string_view text) { Append(kTextOid, std::string(text), false); }

void Params::Add(Bytes bytes) { Append(kByteaOid, std::string(bytes.bytes), false); }

void Params::Add(std::int64_t value) {
  std::string bytes(8, '\0');
  auto bits = static_cast<std::uint64_t>(value);
  for (int i = 7; i >= 0; --i) {
    bytes[static_cast<size_t>(i)] = static_cast<char>(bits & 0xff);
    bits >>= 8;
  }
  Append(kInt8Oid, std::move(bytes), false);
}

void Params::Add(bool value) { Append(kBoolOid, std::string(1, value ? '\1' : '\0'), false); }

void Params::AddNull(Oid type) { Append(type, std::string(), true); }

std::vector<const char*> Params::values() const {
  std::vector<const char*> values;
  values.reserve(storage_.size());
  for (size_t i = 0; i < storage_.size(); ++i) {
    // An empty value must not read as NULL: any non-null pointer will do.
    values.push_back(nulls_[i] ? nullptr : (storage_[i].empty() ? "" : storage_[i].data()));
  }
  return values;
}

bool Row::IsNull(int column) const { return PQgetisnull(result_, row_, column) != 0; }

std::string Row::Text(int column) const {
  return std::string(PQgetvalue(result_, row_, column),
                     static_cast<size_t>(PQgetlength(result_, row_, column)));
}

std::int64_t Row::Int64(int column) const {
  if (IsNull(column)) return 0;
  const char* data = PQgetvalue(result_, row_, column);
  int size = PQgetlength(result_, row_, column);
  switch (PQftype(result_, column)) {
    case kInt8Oid:
    case kInt4Oid:
    case kInt2Oid:
    case kBoolOid:
      return ReadBigEndian(data, size);
    default:
      throw StoreError("postgres: column " + std::to_string(column) + " is not an integer");
  }
}

std::optional<std::int64_t> Row::OptionalInt64(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int64(column);
}

std::int64_t Result::affected() const {
  const char* count = PQcmdTuples(result_.get());
  return count && *count ? std::stoll(count) : 0;
}

Connection::Connection(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
  if (conn_ == nullptr) throw StoreError("postgres: out of memory while connecting");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    throw StoreError("postgres: cannot connect: " + message);
  }
  // Server notices (e.g. "relation already exists, skipping") are not errors; keep stderr clean.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  // A capture is acknowledged once its commit returns, so the commit must be durable whatever
  // the server's default is.
  ExecScript("SET synchronous_commit = on; SET client_encoding = 'UTF8'");
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::healthy() const { return !in_pipeline_ && PQstatus(conn_) == CONNECTION_OK; }

void Connection::Fail(std::string_view what, const PGresult* result) const {
  std::string message = Trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (message.empty()) message = Trimmed(PQerrorMessage(conn_));
  throw StoreError("postgres: " + std::string(what) + ": " + message);
}

const std::string& Connection::Prepared(const std::string& sql, const Params& params) {
  auto found = prepared_.find(sql);
  if (found != prepared_.end()) return found->second;
  std::string name = "rehook_" + std::to_string(prepared_.size() + 1);
  Result result(PQprepare(conn_, name.c_str(), DollarPlaceholders(sql).c_str(), params.size(),
                          params.types()));
  auto status = PQresultStatus(result.raw());
  if (status != PGRES_COMMAND_OK) Fail("prepare", result.raw());
  return prepared_.emplace(sql, std::move(name)).first->second;
}

Result Connection::Exec(const std::string& sql, const Params& params) {
  const std::string& name = Prepared(sql, params);
  auto values = params.values();
  Result result(PQexecPrepared(conn_, name.c_str(), params.size(), values.data(), params.lengths(),
                               params.formats(), kBinaryFormat));
  auto status = PQresultStatus(result.raw());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Fail("query", result.raw());
  return result;
}

void Connection::ExecScript(const std::string& sql) {
  Result result(PQexec(conn_, sql.c_str()));
  auto status = PQresultStatus(result.raw());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) Fail("exec", result.raw());
}

void Connection::ExecPipelined(const std::vector<Statement>& statements) {
  if (statements.empty()) return;
  // Looked up once each (a multi-row insert's text runs to kilobytes, hashed per lookup).
  std::vector<const std::string*> names;
  names.reserve(statements.size());
  for (const Statement& statement : statements) {
    names.push_back(&Prepared(*statement.sql, statement.params));
  }

  if (PQenterPipelineMode(conn_) != 1) Fail("enter pipeline mode");
  in_pipeline_ = true;
  // Blocking sends are safe from deadlock even for long pipelines: when libpq cannot write, it
  // reads (and buffers) what the server sends meanwhile.
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const Statement& statement = statements[i];
    auto values = statement.params.values();
    if (PQsendQueryPrepared(conn_, names[i]->c_str(), statement.params.size(), values.data(),
                            statement.params.lengths(), statement.params.formats(),
                            kBinaryFormat) != 1) {
      Fail("send");
    }
  }
  // The statements share one implicit transaction, committed at the sync point.
  if (PQpipelineSync(conn_) != 1) Fail("sync");

  std::string first_error;
  std::size_t statement = 0;  // whose results are being read
  for (bool synced = false; !synced;) {
    PGresult* raw = PQgetResult(conn_);
    if (raw == nullptr) {
      // The end of one statement's results; a broken connection never reaches the sync point.
      if (PQstatus(conn_) != CONNECTION_OK) Fail("pipeline");
      ++statement;
      continue;
    }
    Result result(raw);
    switch (PQresultStatus(raw)) {
      case PGRES_PIPELINE_SYNC:
        synced = true;
        break;
      case PGRES_FATAL_ERROR:
        if (first_error.empty()) first_error = Trimmed(PQresultErrorMessage(raw));
        break;
      case PGRES_TUPLES_OK:
        if (statement < statements.size() && statements[statement].rows) {
          statements[statement].rows->emplace(std::move(result));
        }
        break;
      default:
        break;
    }
  }
  if (PQexitPipelineMode(conn_) != 1) Fail("exit pipeline mode");
  in_pipeline_ = false;
  if (!first_error.empty()) throw StoreError("postgres: batch: " + first_error);
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.ExecScript("BEGIN");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    connection_.ExecScript("ROLLBACK");
  } catch (const StoreError&) {
    // The connection is broken; the server rolls back on its own.
  }
}

void Transaction::Commit() {
  connection_.ExecScript("COMMIT");
  done_ = true;
}

}  // namespace rehook::pg
