#include "store/sqlite/checkpointer.h"

#include <chrono>

#include "common/log.h"
#include "common/thread_name.h"

namespace rehook::sqlite {
namespace {

// Checkpoint when the WAL grows past this (and at least every second while there is anything
// to copy). Large, because a page rewritten by many commits in between is copied only once.
constexpr long kCheckpointBytes = 64L << 20;

int PageSize(Database& db) {
  auto statement = db.Prepare("PRAGMA page_size");
  return statement->Step() ? static_cast<int>(statement->Int64(0)) : 4096;
}

}  // namespace

Checkpointer::Checkpointer(const std::string& db_path, Database& writer)
    : connection_(db_path),
      writer_(writer.handle()),
      checkpoint_frames_(static_cast<int>(kCheckpointBytes / PageSize(connection_))) {
  sqlite3_wal_hook(writer_, &Checkpointer::OnCommit, this);
  thread_ = std::thread([this] { Run(); });
  NameThread(thread_, "rehook-checkpt");
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  thread_.join();
}

int Checkpointer::OnCommit(void* self, sqlite3*, const char*, int wal_frames) {
  auto* checkpointer = static_cast<Checkpointer*>(self);
  if (wal_frames >= checkpointer->checkpoint_frames_) {
    std::lock_guard lock(checkpointer->mutex_);
    checkpointer->wanted_ = true;
    checkpointer->wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return wanted_ || stopping_; });
    if (stopping_) break;
    wanted_ = false;
    lock.unlock();
    int wal_frames = 0;
    int copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(connection_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       &wal_frames, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      log::Warn("store.checkpoint_failed", {{"error", sqlite3_errmsg(connection_.handle())}});
    }
    lock.lock();
  }
}

}  // namespace rehook::sqlite
