// SqliteStore: destinations and connections.
#include "store/header_codec.h"
#include "store/shared_state_sql.h"
#include "store/sqlite/sqlite_rows.h"
#include "store/sqlite/sqlite_store.h"

namespace rehook {

void SqliteStore::InsertDestination(const Destination& destination) {
  WithWriter([&](sqlite::Database& db) {
    auto insert = db.Prepare(std::string("INSERT INTO destinations (") + rows::kDestinationColumns +
                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    std::string headers = EncodeHeaders(destination.headers);
    insert->BindAll(destination.id, destination.org_id, destination.name, destination.url,
                    destination.timeout_ms, sqlite::Blob{headers}, destination.secret,
                    destination.rate_limit, destination.created_at, destination.updated_at,
                    destination.enabled);
    insert->Run();
  });
}

std::optional<Destination> SqliteStore::GetDestination(const std::string& org_id,
                                                       const std::string& id) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(std::string("SELECT ") + rows::kDestinationColumns +
                            " FROM destinations WHERE org_id = ?1 AND id = ?2");
  select->BindAll(org_id, id);
  if (!select->Step()) return std::nullopt;
  return rows::ReadDestination(*select);
}

Page<Destination> SqliteStore::ListDestinations(const std::string& org_id,
                                                const PageRequest& page) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(
      std::string("SELECT ") + rows::kDestinationColumns +
      " FROM destinations WHERE org_id = ?1 AND (?2 IS NULL OR (created_at, id) < (?2, ?3))"
      " ORDER BY created_at DESC, id DESC LIMIT ?4");
  select->Bind(1, org_id);
  select->Bind(2, page.after ? std::optional(page.after->time) : std::nullopt);
  select->Bind(3, page.after ? page.after->id : std::string());
  select->Bind(4, page.limit + 1);
  return sqlite::CollectPage<Destination>(*select, page.limit,
                                          rows::ReadDestination<sqlite::Statement>,
                                          [](const Destination& d) { return d.created_at; });
}

bool SqliteStore::UpdateDestination(const Destination& destination) {
  return WithWriter([&](sqlite::Database& db) {
    sqlite::Transaction transaction(db);
    auto update = db.Prepare(
        "UPDATE destinations SET name = ?3, url = ?4, timeout_ms = ?5, headers = ?6, secret = ?7, "
        "rate_limit = ?8, updated_at = ?9, enabled = ?10 WHERE org_id = ?1 AND id = ?2");
    std::string headers = EncodeHeaders(destination.headers);
    update->BindAll(destination.org_id, destination.id, destination.name, destination.url,
                    destination.timeout_ms, sqlite::Blob{headers}, destination.secret,
                    destination.rate_limit, destination.updated_at, destination.enabled);
    update->Run();
    const bool updated = db.Changes() > 0;
    if (updated && !destination.enabled) {
      auto tasks =
          db.Prepare("DELETE FROM delivery_tasks WHERE destination_id = ?1 AND org_id = ?2");
      tasks->BindAll(destination.id, destination.org_id);
      tasks->Run();
    }
    transaction.Commit();
    return updated;
  });
}

bool SqliteStore::DeleteDestination(const std::string& org_id, const std::string& id) {
  return WithWriter([&](sqlite::Database& db) {
    sqlite::Transaction transaction(db);
    auto remove = db.Prepare("DELETE FROM destinations WHERE org_id = ?1 AND id = ?2");
    remove->BindAll(org_id, id);
    remove->Run();  // connections go with it (ON DELETE CASCADE)
    bool deleted = db.Changes() > 0;
    auto tasks = db.Prepare("DELETE FROM delivery_tasks WHERE destination_id = ?1 AND org_id = ?2");
    tasks->BindAll(id, org_id);
    tasks->Run();
    if (deleted) {
      for (const char* sql : {shared_state_sql::kForgetPacing, shared_state_sql::kForgetCircuit}) {
        auto forget = db.Prepare(sql);
        forget->BindAll(id);
        forget->Run();
      }
    }
    transaction.Commit();
    return deleted;
  });
}

void SqliteStore::InsertConnection(const Connection& connection) {
  WithWriter([&](sqlite::Database& db) {
    auto insert = db.Prepare(std::string("INSERT INTO connections (") + rows::kConnectionColumns +
                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    insert->BindAll(connection.id, connection.org_id, connection.source_id,
                    connection.destination_id, connection.filter_json, connection.enabled,
                    connection.created_at, connection.updated_at);
    insert->Run();
  });
}

std::optional<Connection> SqliteStore::GetConnection(const std::string& org_id,
                                                     const std::string& id) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(std::string("SELECT ") + rows::kConnectionColumns +
                            " FROM connections WHERE org_id = ?1 AND id = ?2");
  select->BindAll(org_id, id);
  if (!select->Step()) return std::nullopt;
  return rows::ReadConnection(*select);
}

Page<Connection> SqliteStore::ListConnections(const std::string& org_id, const PageRequest& page) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(
      std::string("SELECT ") + rows::kConnectionColumns +
      " FROM connections WHERE org_id = ?1 AND (?2 IS NULL OR (created_at, id) < (?2, ?3))"
      " ORDER BY created_at DESC, id DESC LIMIT ?4");
  select->Bind(1, org_id);
  select->Bind(2, page.after ? std::optional(page.after->time) : std::nullopt);
  select->Bind(3, page.after ? page.after->id : std::string());
  select->Bind(4, page.limit + 1);
  return sqlite::CollectPage<Connection>(*select, page.limit,
                                         rows::ReadConnection<sqlite::Statement>,
                                         [](const Connection& c) { return c.created_at; });
}

std::vector<Connection> SqliteStore::ListConnectionsOfSource(const std::string& source_id) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(std::string("SELECT ") + rows::kConnectionColumns +
                            " FROM connections WHERE source_id = ?1 ORDER BY created_at, id");
  select->BindAll(source_id);
  std::vector<Connection> connections;
  while (select->Step()) connections.push_back(rows::ReadConnection(*select));
  return connections;
}

bool SqliteStore::UpdateConnection(const Connection& connection) {
  return WithWriter([&](sqlite::Database& db) {
    auto update = db.Prepare(
        "UPDATE connections SET destination_id = ?3, filter = ?4, enabled = ?5, updated_at = ?6 "
        "WHERE org_id = ?1 AND id = ?2");
    update->BindAll(connection.org_id, connection.id, connection.destination_id,
                    connection.filter_json, connection.enabled, connection.updated_at);
    update->Run();
    return db.Changes() > 0;
  });
}

bool SqliteStore::DeleteConnection(const std::string& org_id, const std::string& id) {
  return WithWriter([&](sqlite::Database& db) {
    sqlite::Transaction transaction(db);
    auto remove = db.Prepare("DELETE FROM connections WHERE org_id = ?1 AND id = ?2");
    remove->BindAll(org_id, id);
    remove->Run();
    bool deleted = db.Changes() > 0;
    auto tasks = db.Prepare("DELETE FROM delivery_tasks WHERE connection_id = ?1 AND org_id = ?2");
    tasks->BindAll(id, org_id);
    tasks->Run();
    transaction.Commit();
    return deleted;
  });
}

}  // namespace rehook
