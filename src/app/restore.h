#pragma once
// `rehook restore --from FILE --data-dir DIR [--force]`: puts a backup (`rehook backup`) in
// place of a data directory's SQLite store. Offline: it takes the data directory's lock, so it
// refuses while a server uses the directory. The file is checked before anything is replaced.

#include <string>

namespace rehook {

struct RestoreOptions {
  std::string from;
  std::string data_dir = "./rehook-data";
  bool force = false;  // replace a store the data directory holds already
};

// Prints what it did (or why not) and returns the process's exit code: 0 restored, 1 refused.
int Restore(const RestoreOptions& options);

}  // namespace rehook
