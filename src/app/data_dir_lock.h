#pragma once
// Holds an exclusive lock on <data-dir>/rehook.lock for the life of the process, so that two
// servers never share one embedded store: with SQLite, a node takes back every delivery lease
// at start-up, which is only right when it is the only node.

#include <string>

namespace rehook {

class DataDirLock {
 public:
  // Throws std::runtime_error when another process holds the lock.
  explicit DataDirLock(const std::string& data_dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace rehook
