#include "store/sql/sql_configuration.h"

#include "store/header_codec.h"
#include "store/row_readers.h"
#include "store/shared_state_sql.h"
#include "store/sql/sql_paging.h"

namespace rehook {
namespace {

const std::string kSelectSource = std::string("SELECT ") + rows::kSourceColumns + " FROM sources";
const std::string kSelectDestination =
    std::string("SELECT ") + rows::kDestinationColumns + " FROM destinations";
const std::string kSelectConnection =
    std::string("SELECT ") + rows::kConnectionColumns + " FROM connections";
const std::string kSelectTransformation =
    std::string("SELECT ") + rows::kTransformationColumns + " FROM transformations";

// NULL for "", which the column stores for "none".
std::optional<std::string> NullIfEmpty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

// Enabled (?1: true) destinations with auto-disable whose every attempt has failed for longer
// than their window, at ?2.
const std::string kFailingTooLong =
    " WHERE enabled = ?1 AND disable_after_ms IS NOT NULL AND failing_since IS NOT NULL "
    "AND failing_since + disable_after_ms <= ?2";

// Pending deliveries of a destination (?1) or a connection (?1), of org ?2. Tasks are keyed by
// connection; a destination's are found by reading the table, not through its connections: a
// connection may have been pointed elsewhere since (or deleted) while tasks routed through it
// still go to this destination. The table holds pending deliveries only (a backlog of a million
// reads in ~0.1-0.25 s), and an index on destination_id would cost every forwarding commit a page.
constexpr const char* kDeleteTasksOfDestination =
    "DELETE FROM delivery_tasks WHERE destination_id = ?1 AND org_id = ?2";
constexpr const char* kDeleteTasksOfConnection =
    "DELETE FROM delivery_tasks WHERE connection_id = ?1 AND org_id = ?2";

// The three retry_* columns of a destination, bound after the others; NULL for no policy.
void BindRetryPolicy(sql::Statement& statement, const std::optional<RetryPolicy>& policy) {
  if (!policy) {
    statement.BindAll(std::optional<int>(), std::optional<std::string>(),
                      std::optional<std::int64_t>());
    return;
  }
  statement.BindAll(policy->attempts, std::string(RetryBackoffName(policy->backoff)),
                    policy->interval_ms);
}

// Lists the org's rows of `select` a page at a time.
template <class T, class ReadRow>
Page<T> ListOfOrg(sql::Backend& backend, const std::string& select, const std::string& org_id,
                  const PageRequest& page, ReadRow read_row) {
  return backend.Read([&](sql::Session& db) {
    auto statement = db.Prepare(select + " WHERE org_id = ?1 AND " + sql::NewestFirstPage(2));
    statement->Bind(org_id);
    sql::BindPage(*statement, page);
    return sql::ReadPage<T>(*statement, page, read_row);
  });
}

// The org's row `id` of `select`.
template <class ReadRow>
auto GetOfOrg(sql::Backend& backend, const std::string& select, const std::string& org_id,
              const std::string& id, ReadRow read_row) {
  return backend.Read([&](sql::Session& db) {
    return db.Prepare(select + " WHERE org_id = ?1 AND id = ?2")
        ->BindAll(org_id, id)
        .ReadFirst(read_row);
  });
}

}  // namespace

void SqlConfiguration::InsertSource(const Source& source) {
  backend_.Write([&](sql::Session& db) {
    db.Prepare(
          "INSERT INTO sources (id, org_id, name, config, created_at, updated_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        ->BindAll(source.id, source.org_id, source.name, source.config_json, source.created_at,
                  source.updated_at)
        .Run();
  });
}

std::optional<Source> SqlConfiguration::GetSource(const std::string& org_id,
                                                  const std::string& id) {
  return GetOfOrg(backend_, kSelectSource, org_id, id, rows::ReadSource<sql::Statement>);
}

std::optional<Source> SqlConfiguration::FindSourceForCapture(const std::string& id) {
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(kSelectSource + " WHERE id = ?1")
        ->BindAll(id)
        .ReadFirst(rows::ReadSource<sql::Statement>);
  });
}

Page<Source> SqlConfiguration::ListSources(const std::string& org_id, const PageRequest& page) {
  return ListOfOrg<Source>(backend_, kSelectSource, org_id, page, rows::ReadSource<sql::Statement>);
}

bool SqlConfiguration::UpdateSource(const Source& source) {
  return backend_.Write([&](sql::Session& db) {
    return db.Prepare(
                 "UPDATE sources SET name = ?3, config = ?4, updated_at = ?5 "
                 "WHERE org_id = ?1 AND id = ?2")
               ->BindAll(source.org_id, source.id, source.name, source.config_json,
                         source.updated_at)
               .Run() > 0;
  });
}

bool SqlConfiguration::DeleteSource(const std::string& org_id, const std::string& id) {
  return backend_.Write([&](sql::Session& db) {
    sql::Transaction transaction(db);
    // Pending deliveries of its connections go first; the connections follow by cascade.
    db.Prepare(
          "DELETE FROM delivery_tasks WHERE connection_id IN "
          "(SELECT id FROM connections WHERE source_id = ?1 AND org_id = ?2)")
        ->BindAll(id, org_id)
        .Run();
    const bool deleted =
        db.Prepare("DELETE FROM sources WHERE org_id = ?1 AND id = ?2")->BindAll(org_id, id).Run() >
        0;
    transaction.Commit();
    return deleted;
  });
}

void SqlConfiguration::InsertDestination(const Destination& destination) {
  backend_.Write([&](sql::Session& db) {
    const std::string headers = EncodeHeaders(destination.headers);
    auto insert = db.Prepare(
        std::string("INSERT INTO destinations (") + rows::kDestinationColumns +
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, NULL)");
    insert->BindAll(destination.id, destination.org_id, destination.name, destination.url,
                    destination.timeout_ms, sql::Blob{headers}, destination.secret,
                    destination.rate_limit, destination.created_at, destination.updated_at,
                    destination.enabled);
    BindRetryPolicy(*insert, destination.retry);
    insert->Bind(destination.disable_after_ms);
    insert->Run();
  });
}

std::optional<Destination> SqlConfiguration::GetDestination(const std::string& org_id,
                                                            const std::string& id) {
  return GetOfOrg(backend_, kSelectDestination, org_id, id, rows::ReadDestination<sql::Statement>);
}

std::optional<Destination> SqlConfiguration::FindDestination(const std::string& id) {
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(kSelectDestination + " WHERE id = ?1")
        ->BindAll(id)
        .ReadFirst(rows::ReadDestination<sql::Statement>);
  });
}

std::vector<Destination> SqlConfiguration::DestinationsFailingTooLong(TimeMs now, int limit) {
  return backend_.Read([&](sql::Session& db) {
    auto statement = db.Prepare(kSelectDestination + kFailingTooLong + " LIMIT ?3");
    statement->BindAll(true, now, limit);
    return statement->ReadAll(rows::ReadDestination<sql::Statement>);
  });
}

bool SqlConfiguration::DisableFailingDestination(const std::string& id, TimeMs now) {
  return backend_.Write([&](sql::Session& db) {
    sql::Transaction transaction(db);
    auto update = db.Prepare(
        "UPDATE destinations SET enabled = ?4, failing_since = NULL, "
        "updated_at = ?2" +
        kFailingTooLong + " AND id = ?3 RETURNING org_id");
    update->BindAll(true, now, id, false);
    std::optional<std::string> org_id =
        update->ReadFirst([](const sql::Statement& row) { return row.Text(0); });
    if (!org_id) return false;  // re-enabled, answering again, or disabled by another node
    db.Prepare(kDeleteTasksOfDestination)->BindAll(id, *org_id).Run();
    transaction.Commit();
    return true;
  });
}

Page<Destination> SqlConfiguration::ListDestinations(const std::string& org_id,
                                                     const PageRequest& page) {
  return ListOfOrg<Destination>(backend_, kSelectDestination, org_id, page,
                                rows::ReadDestination<sql::Statement>);
}

bool SqlConfiguration::UpdateDestination(const Destination& destination) {
  return backend_.Write([&](sql::Session& db) {
    sql::Transaction transaction(db);
    const std::string headers = EncodeHeaders(destination.headers);
    auto update = db.Prepare(
        "UPDATE destinations SET name = ?3, url = ?4, timeout_ms = ?5, headers = ?6, "
        "secret = ?7, rate_limit = ?8, updated_at = ?9, enabled = ?10, retry_attempts = ?11, "
        "retry_backoff = ?12, retry_interval_ms = ?13, disable_after_ms = ?14, "
        // Enabled again (or disabled): the failures before do not count toward auto-disable.
        "failing_since = CASE WHEN enabled = ?10 THEN failing_since ELSE NULL END "
        "WHERE org_id = ?1 AND id = ?2");
    update->BindAll(destination.org_id, destination.id, destination.name, destination.url,
                    destination.timeout_ms, sql::Blob{headers}, destination.secret,
                    destination.rate_limit, destination.updated_at, destination.enabled);
    BindRetryPolicy(*update, destination.retry);
    update->Bind(destination.disable_after_ms);
    const bool updated = update->Run() > 0;
    if (updated && !destination.enabled) {
      db.Prepare(kDeleteTasksOfDestination)->BindAll(destination.id, destination.org_id).Run();
    }
    transaction.Commit();
    return updated;
  });
}

bool SqlConfiguration::DeleteDestination(const std::string& org_id, const std::string& id) {
  return backend_.Write([&](sql::Session& db) {
    sql::Transaction transaction(db);
    // Connections go with it (ON DELETE CASCADE); pending deliveries are removed here.
    const bool deleted = db.Prepare("DELETE FROM destinations WHERE org_id = ?1 AND id = ?2")
                             ->BindAll(org_id, id)
                             .Run() > 0;
    db.Prepare(kDeleteTasksOfDestination)->BindAll(id, org_id).Run();
    if (deleted) {
      db.Prepare(shared_state_sql::kForgetPacing)->BindAll(id).Run();
      db.Prepare(shared_state_sql::kForgetCircuit)->BindAll(id).Run();
    }
    transaction.Commit();
    return deleted;
  });
}

void SqlConfiguration::InsertConnection(const Connection& connection) {
  backend_.Write([&](sql::Session& db) {
    db.Prepare(std::string("INSERT INTO connections (") + rows::kConnectionColumns +
               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        ->BindAll(connection.id, connection.org_id, connection.source_id, connection.destination_id,
                  connection.filter_json, connection.enabled, connection.created_at,
                  connection.updated_at, NullIfEmpty(connection.transformation_id))
        .Run();
  });
}

std::optional<Connection> SqlConfiguration::GetConnection(const std::string& org_id,
                                                          const std::string& id) {
  return GetOfOrg(backend_, kSelectConnection, org_id, id, rows::ReadConnection<sql::Statement>);
}

Page<Connection> SqlConfiguration::ListConnections(const std::string& org_id,
                                                   const PageRequest& page) {
  return ListOfOrg<Connection>(backend_, kSelectConnection, org_id, page,
                               rows::ReadConnection<sql::Statement>);
}

std::vector<Connection> SqlConfiguration::ListConnectionsOfSource(const std::string& source_id) {
  return backend_.Read([&](sql::Session& db) {
    return db.Prepare(kSelectConnection + " WHERE source_id = ?1 ORDER BY created_at, id")
        ->BindAll(source_id)
        .ReadAll(rows::ReadConnection<sql::Statement>);
  });
}

bool SqlConfiguration::UpdateConnection(const Connection& connection) {
  return backend_.Write([&](sql::Session& db) {
    return db.Prepare(
                 "UPDATE connections SET destination_id = ?3, filter = ?4, enabled = ?5, "
                 "updated_at = ?6, transformation_id = ?7 WHERE org_id = ?1 AND id = ?2")
               ->BindAll(connection.org_id, connection.id, connection.destination_id,
                         connection.filter_json, connection.enabled, connection.updated_at,
                         NullIfEmpty(connection.transformation_id))
               .Run() > 0;
  });
}

bool SqlConfiguration::DeleteConnection(const std::string& org_id, const std::string& id) {
  return backend_.Write([&](sql::Session& db) {
    sql::Transaction transaction(db);
    const bool deleted = db.Prepare("DELETE FROM connections WHERE org_id = ?1 AND id = ?2")
                             ->BindAll(org_id, id)
                             .Run() > 0;
    db.Prepare(kDeleteTasksOfConnection)->BindAll(id, org_id).Run();
    transaction.Commit();
    return deleted;
  });
}

void SqlConfiguration::InsertTransformation(const Transformation& transformation) {
  backend_.Write([&](sql::Session& db) {
    db.Prepare(std::string("INSERT INTO transformations (") + rows::kTransformationColumns +
               ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        ->BindAll(transformation.id, transformation.org_id, transformation.name,
                  transformation.code, transformation.created_at, transformation.updated_at)
        .Run();
  });
}

std::optional<Transformation> SqlConfiguration::GetTransformation(const std::string& org_id,
                                                                  const std::string& id) {
  return GetOfOrg(backend_, kSelectTransformation, org_id, id,
                  rows::ReadTransformation<sql::Statement>);
}

Page<Transformation> SqlConfiguration::ListTransformations(const std::string& org_id,
                                                           const PageRequest& page) {
  return ListOfOrg<Transformation>(backend_, kSelectTransformation, org_id, page,
                                   rows::ReadTransformation<sql::Statement>);
}

bool SqlConfiguration::UpdateTransformation(const Transformation& transformation) {
  return backend_.Write([&](sql::Session& db) {
    return db.Prepare(
                 "UPDATE transformations SET name = ?3, code = ?4, updated_at = ?5 "
                 "WHERE org_id = ?1 AND id = ?2")
               ->BindAll(transformation.org_id, transformation.id, transformation.name,
                         transformation.code, transformation.updated_at)
               .Run() > 0;
  });
}

std::variant<bool, TransformationInUse> SqlConfiguration::DeleteTransformation(
    const std::string& org_id, const std::string& id) {
  return backend_.Write([&](sql::Session& db) -> std::variant<bool, TransformationInUse> {
    sql::Transaction transaction(db);
    auto user = db.Prepare(
                      "SELECT id FROM connections WHERE transformation_id = ?1 AND org_id = ?2 "
                      "ORDER BY created_at, id LIMIT 1")
                    ->BindAll(id, org_id)
                    .ReadFirst([](const sql::Statement& row) { return row.Text(0); });
    if (user) return TransformationInUse{*user};
    const bool deleted = db.Prepare("DELETE FROM transformations WHERE org_id = ?1 AND id = ?2")
                             ->BindAll(org_id, id)
                             .Run() > 0;
    transaction.Commit();
    return deleted;
  });
}

}  // namespace rehook
