// PgStore: destinations and connections.
#include "store/header_codec.h"
#include "store/postgres/pg_paging.h"
#include "store/postgres/pg_store.h"
#include "store/row_readers.h"

namespace rehook {

using pg::Params;

void PgStore::InsertDestination(const Destination& destination) {
  auto db = pool_.Acquire();
  std::string headers = EncodeHeaders(destination.headers);
  db->Exec(
      std::string("INSERT INTO destinations (") + rows::kDestinationColumns +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
      Params(destination.id, destination.org_id, destination.name, destination.url,
             destination.timeout_ms, pg::Bytes{headers}, destination.secret, destination.rate_limit,
             destination.created_at, destination.updated_at, destination.enabled));
}

std::optional<Destination> PgStore::GetDestination(const std::string& org_id,
                                                   const std::string& id) {
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("SELECT ") + rows::kDestinationColumns +
                 " FROM destinations WHERE org_id = $1 AND id = $2",
             Params(org_id, id))
      .ReadFirst(rows::ReadDestination<pg::Row>);
}

Page<Destination> PgStore::ListDestinations(const std::string& org_id, const PageRequest& page) {
  auto db = pool_.Acquire();
  auto result = db->Exec(
      std::string("SELECT ") + rows::kDestinationColumns + " FROM destinations" + pg::kOrgPage,
      pg::OrgPageParams(org_id, page));
  return rows::TrimToPage<Destination>(result.ReadAll(rows::ReadDestination<pg::Row>), page.limit,
                                       [](const Destination& d) { return d.created_at; });
}

bool PgStore::UpdateDestination(const Destination& destination) {
  auto db = pool_.Acquire();
  pg::Transaction transaction(*db);
  std::string headers = EncodeHeaders(destination.headers);
  const bool updated =
      db->Exec(
            "UPDATE destinations SET name = $3, url = $4, timeout_ms = $5, headers = $6, "
            "secret = $7, rate_limit = $8, updated_at = $9, enabled = $10 "
            "WHERE org_id = $1 AND id = $2",
            Params(destination.org_id, destination.id, destination.name, destination.url,
                   destination.timeout_ms, pg::Bytes{headers}, destination.secret,
                   destination.rate_limit, destination.updated_at, destination.enabled))
          .affected() > 0;
  if (updated && !destination.enabled) {
    db->Exec("DELETE FROM delivery_tasks WHERE destination_id = $1 AND org_id = $2",
             Params(destination.id, destination.org_id));
  }
  transaction.Commit();
  return updated;
}

bool PgStore::DeleteDestination(const std::string& org_id, const std::string& id) {
  auto db = pool_.Acquire();
  pg::Transaction transaction(*db);
  // Connections go with it (ON DELETE CASCADE); pending deliveries are removed here.
  bool deleted =
      db->Exec("DELETE FROM destinations WHERE org_id = $1 AND id = $2", Params(org_id, id))
          .affected() > 0;
  db->Exec("DELETE FROM delivery_tasks WHERE destination_id = $1 AND org_id = $2",
           Params(id, org_id));
  if (deleted) {
    db->Exec("DELETE FROM destination_pacing WHERE destination_id = $1", Params(id));
    db->Exec("DELETE FROM destination_circuits WHERE destination_id = $1", Params(id));
  }
  transaction.Commit();
  return deleted;
}

void PgStore::InsertConnection(const Connection& connection) {
  auto db = pool_.Acquire();
  db->Exec(std::string("INSERT INTO connections (") + rows::kConnectionColumns +
               ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
           Params(connection.id, connection.org_id, connection.source_id, connection.destination_id,
                  connection.filter_json, connection.enabled, connection.created_at,
                  connection.updated_at));
}

std::optional<Connection> PgStore::GetConnection(const std::string& org_id, const std::string& id) {
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("SELECT ") + rows::kConnectionColumns +
                 " FROM connections WHERE org_id = $1 AND id = $2",
             Params(org_id, id))
      .ReadFirst(rows::ReadConnection<pg::Row>);
}

Page<Connection> PgStore::ListConnections(const std::string& org_id, const PageRequest& page) {
  auto db = pool_.Acquire();
  auto result = db->Exec(
      std::string("SELECT ") + rows::kConnectionColumns + " FROM connections" + pg::kOrgPage,
      pg::OrgPageParams(org_id, page));
  return rows::TrimToPage<Connection>(result.ReadAll(rows::ReadConnection<pg::Row>), page.limit,
                                      [](const Connection& c) { return c.created_at; });
}

std::vector<Connection> PgStore::ListConnectionsOfSource(const std::string& source_id) {
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("SELECT ") + rows::kConnectionColumns +
                 " FROM connections WHERE source_id = $1 ORDER BY created_at, id",
             Params(source_id))
      .ReadAll(rows::ReadConnection<pg::Row>);
}

bool PgStore::UpdateConnection(const Connection& connection) {
  auto db = pool_.Acquire();
  return db->Exec(
               "UPDATE connections SET destination_id = $3, filter = $4, enabled = $5, "
               "updated_at = $6 WHERE org_id = $1 AND id = $2",
               Params(connection.org_id, connection.id, connection.destination_id,
                      connection.filter_json, connection.enabled, connection.updated_at))
             .affected() > 0;
}

bool PgStore::DeleteConnection(const std::string& org_id, const std::string& id) {
  auto db = pool_.Acquire();
  pg::Transaction transaction(*db);
  bool deleted =
      db->Exec("DELETE FROM connections WHERE org_id = $1 AND id = $2", Params(org_id, id))
          .affected() > 0;
  db->Exec("DELETE FROM delivery_tasks WHERE connection_id = $1 AND org_id = $2",
           Params(id, org_id));
  transaction.Commit();
  return deleted;
}

}  // namespace rehook
