#include "app/restore.h"

#include <filesystem>
#include <iostream>

#include "app/data_dir_lock.h"
#include "store/sqlite/sqlite_backup.h"

namespace rehook {

int Restore(const RestoreOptions& options) {
  try {
    std::filesystem::create_directories(options.data_dir);
    std::filesystem::permissions(options.data_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
    DataDirLock lock(options.data_dir);  // no server may be using it meanwhile
    const std::string store = options.data_dir + "/rehook.db";
    sqlite::RestoreBackup(options.from, store, options.force);
    std::cout << "Restored " << options.from << " into " << store
              << ". Start it with: rehook serve --data-dir " << options.data_dir << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "rehook restore: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace rehook
