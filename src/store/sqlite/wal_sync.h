#pragma once
// Durability for SQLite in WAL mode without SQLite's per-commit fsync.
//
// rehook runs SQLite with synchronous=NORMAL: a commit writes its frames to the -wal file but
// does not fsync it. WalSync then makes committed frames durable with fdatasync() on rehook's
// own descriptor of the same file (fsync works on the file, whichever descriptor wrote it).
// This is what synchronous=FULL does at the end of every commit, moved out of the commit so
// that the next transaction can run while the disk flushes. SQLite itself still syncs the WAL
// before each checkpoint and the database after it, so a frame is always durable before it can
// be checkpointed and overwritten.
//
// A write is acknowledged only after a Sync() that started after its commit returned.

#include <atomic>
#include <string>

namespace rehook::sqlite {

class WalSync {
 public:
  // Opens "<db_path>-wal" (the database must already be open in WAL mode, which creates it) and
  // fsyncs the directory so the files themselves survive a power cut. Throws StoreError.
  explicit WalSync(const std::string& db_path);
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  // Flushes every WAL frame written before the call to stable storage. Thread-safe. Throws
  // StoreError on failure; after one failure every later call fails too, because the kernel
  // may have dropped the unwritten pages (durability can no longer be promised).
  void Sync();

  // Starts writing the WAL's dirty pages to the disk without waiting for them (a hint; errors
  // are left for Sync to report). Called right after a commit, so that the disk already works
  // on a batch while the previous batch's Sync is still in flight.
  void StartWriteback();

 private:
  std::string path_;
  int fd_ = -1;
  std::atomic<bool> failed_{false};
};

}  // namespace rehook::sqlite
