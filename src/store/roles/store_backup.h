#pragma once
// Store role: a consistent copy of the whole store while it keeps serving (POST
// /v1/admin/backup). Only the embedded SQLite store can make one itself; PostgreSQL has its own
// tools (pg_dump, point-in-time recovery), and says so.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace rehook {

// The store cannot copy itself; the message says what to use instead.
class BackupUnsupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class StoreBackup {
 public:
  virtual ~StoreBackup() = default;

  // Writes a consistent snapshot of the store to `path` (which must not exist), durably.
  // Writers carry on meanwhile; `max_bytes_per_second` (0: as fast as it goes) slows the copy so
  // that it leaves the disk to them. Throws BackupUnsupported, or StoreError when the copy fails.
  virtual void BackupTo(const std::string& path, std::int64_t max_bytes_per_second) = 0;
};

}  // namespace rehook
