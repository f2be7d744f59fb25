// SqliteStore: sources.
#include "store/sqlite/sqlite_rows.h"
#include "store/sqlite/sqlite_store.h"

namespace rehook {

void SqliteStore::InsertSource(const Source& source) {
  WithWriter([&](sqlite::Database& db) {
    auto insert = db.Prepare(
        "INSERT INTO sources (id, org_id, name, config, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert->BindAll(source.id, source.org_id, source.name, source.config_json, source.created_at,
                    source.updated_at);
    insert->Run();
  });
}

std::optional<Source> SqliteStore::GetSource(const std::string& org_id, const std::string& id) {
  auto db = readers_.Acquire();
  auto select = db->Prepare(std::string("SELECT ") + rows::kSourceColumns +
                            " FROM sources WHERE org_id = ?1 AND id = ?2");
  select->BindAll(org_id, id);
  if (!select->Step()) return std::nullopt;
  return rows::ReadSource(*select);
}

std::optional<Source> SqliteStore::FindSourceForCapture(const std::string& id) {
  auto db = readers_.Acquire();
  auto select =
      db->Prepare(std::string("SELECT ") + rows::kSourceColumns + " FROM sources WHERE id = ?1");
  select->BindAll(id);
  if (!select->Step()) return std::nullopt;
  return rows::ReadSource(*select);
}

Page<Source> SqliteStore::ListSources(const std::string& org_id, const PageRequest& page) {
  auto db = readers_.Acquire();
  auto select =
      db->Prepare(std::string("SELECT ") + rows::kSourceColumns +
                  " FROM sources WHERE org_id = ?1 AND (?2 IS NULL OR (created_at, id) < (?2, ?3))"
                  " ORDER BY created_at DESC, id DESC LIMIT ?4");
  select->Bind(1, org_id);
  select->Bind(2, page.after ? std::optional(page.after->time) : std::nullopt);
  select->Bind(3, page.after ? page.after->id : std::string());
  select->Bind(4, page.limit + 1);
  return sqlite::CollectPage<Source>(*select, page.limit, rows::ReadSource<sqlite::Statement>,
                                     [](const Source& source) { return source.created_at; });
}

bool SqliteStore::UpdateSource(const Source& source) {
  return WithWriter([&](sqlite::Database& db) {
    auto update = db.Prepare(
        "UPDATE sources SET name = ?3, config = ?4, updated_at = ?5 WHERE org_id = ?1 AND id = ?2");
    update->BindAll(source.org_id, source.id, source.name, source.config_json, source.updated_at);
    update->Run();
    return db.Changes() > 0;
  });
}

bool SqliteStore::DeleteSource(const std::string& org_id, const std::string& id) {
  return WithWriter([&](sqlite::Database& db) {
    sqlite::Transaction transaction(db);
    // Pending deliveries of its connections go first; the connections follow by cascade.
    auto tasks = db.Prepare(
        "DELETE FROM delivery_tasks WHERE connection_id IN "
        "(SELECT id FROM connections WHERE source_id = ?1 AND org_id = ?2)");
    tasks->BindAll(id, org_id);
    tasks->Run();
    auto remove = db.Prepare("DELETE FROM sources WHERE org_id = ?1 AND id = ?2");
    remove->BindAll(org_id, id);
    remove->Run();
    bool deleted = db.Changes() > 0;
    transaction.Commit();
    return deleted;
  });
}

}  // namespace rehook
