#include "store/sqlite/wal_sync.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/file_sync.h"
#include "common/log.h"
#include "store/store.h"

namespace rehook::sqlite {

WalSync::WalSync(const std::string& db_path) : path_(db_path + "-wal") {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ < 0) throw StoreError("cannot open " + path_ + ": " + std::strerror(errno));
  // The WAL SQLite just created must be findable after a power cut.
  AsStoreError([&] { SyncDirectoryOf(path_); });
}

WalSync::~WalSync() {
  if (fd_ >= 0) ::close(fd_);
}

void WalSync::Sync() {
  if (failed_.load()) throw StoreError("an earlier fsync of " + path_ + " failed");
  if (::fdatasync(fd_) != 0) {
    failed_ = true;
    std::string reason = std::strerror(errno);
    log::Error("store.fsync_failed", {{"path", path_}, {"error", reason}});
    throw StoreError("fsync of " + path_ + " failed: " + reason);
  }
  // SQLite only deletes the WAL when its last connection closes, and the store holds its
  // connections open; if the file was unlinked anyway, this descriptor no longer syncs it.
  struct stat info {};
  if (::fstat(fd_, &info) != 0 || info.st_nlink == 0) {
    failed_ = true;
    throw StoreError(path_ + " was removed while rehook had it open");
  }
}

void WalSync::StartWriteback() { ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE); }

}  // namespace rehook::sqlite
