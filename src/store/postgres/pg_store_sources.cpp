// PgStore: sources.
#include "store/postgres/pg_paging.h"
#include "store/postgres/pg_store.h"
#include "store/row_readers.h"

namespace rehook {

using pg::Params;

void PgStore::InsertSource(const Source& source) {
  auto db = pool_.Acquire();
  db->Exec(
      "INSERT INTO sources (id, org_id, name, config, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      Params(source.id, source.org_id, source.name, source.config_json, source.created_at,
             source.updated_at));
}

std::optional<Source> PgStore::GetSource(const std::string& org_id, const std::string& id) {
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("SELECT ") + rows::kSourceColumns +
                 " FROM sources WHERE org_id = $1 AND id = $2",
             Params(org_id, id))
      .ReadFirst(rows::ReadSource<pg::Row>);
}

std::optional<Source> PgStore::FindSourceForCapture(const std::string& id) {
  auto db = pool_.Acquire();
  return db
      ->Exec(std::string("SELECT ") + rows::kSourceColumns + " FROM sources WHERE id = $1",
             Params(id))
      .ReadFirst(rows::ReadSource<pg::Row>);
}

Page<Source> PgStore::ListSources(const std::string& org_id, const PageRequest& page) {
  auto db = pool_.Acquire();
  auto result =
      db->Exec(std::string("SELECT ") + rows::kSourceColumns + " FROM sources" + pg::kOrgPage,
               pg::OrgPageParams(org_id, page));
  return rows::TrimToPage<Source>(result.ReadAll(rows::ReadSource<pg::Row>), page.limit,
                                  [](const Source& source) { return source.created_at; });
}

bool PgStore::UpdateSource(const Source& source) {
  auto db = pool_.Acquire();
  return db->Exec(
               "UPDATE sources SET name = $3, config = $4, updated_at = $5 "
               "WHERE org_id = $1 AND id = $2",
               Params(source.org_id, source.id, source.name, source.config_json, source.updated_at))
             .affected() > 0;
}

bool PgStore::DeleteSource(const std::string& org_id, const std::string& id) {
  auto db = pool_.Acquire();
  pg::Transaction transaction(*db);
  // Pending deliveries of its connections go first; the connections follow by cascade.
  db->Exec(
      "DELETE FROM delivery_tasks WHERE connection_id IN "
      "(SELECT id FROM connections WHERE source_id = $1 AND org_id = $2)",
      Params(id, org_id));
  bool deleted =
      db->Exec("DELETE FROM sources WHERE org_id = $1 AND id = $2", Params(org_id, id)).affected() >
      0;
  transaction.Commit();
  return deleted;
}

}  // namespace rehook
