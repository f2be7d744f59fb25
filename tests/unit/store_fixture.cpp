#include "unit/store_fixture.h"

#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"

namespace rehook {

std::vector<StoreFactory> AllStores() {
  return {StoreFactory{"Sqlite",
                       [](StoreScratch& scratch) {
                         return std::make_unique<SqliteStore>(scratch.dir.path() + "/test.db");
                       }},
          StoreFactory{"Postgres", [](StoreScratch& scratch) {
                         // Once per test: a test that reopens the store gets the same database.
                         if (!scratch.database) scratch.database.emplace();
                         return std::make_unique<PgStore>(scratch.database->url());
                       }}};
}

}  // namespace rehook
