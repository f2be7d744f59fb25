#include "unit/store_fixture.h"

#include "store/sqlite/sqlite_store.h"

namespace rehook {

std::vector<StoreFactory> AllStores() {
  return {StoreFactory{"Sqlite", [](const std::string& dir) {
                         return std::make_unique<SqliteStore>(dir + "/test.db");
                       }}};
}

}  // namespace rehook
