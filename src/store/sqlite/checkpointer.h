#pragma once
// Copies committed WAL frames back into the database file on a thread of its own (PASSIVE
// checkpoints, which never block readers or the writer), so that the writer never stalls on a
// checkpoint and the WAL does not grow without bound. Replaces SQLite's auto-checkpoint, which
// would run inside the writer's commits.

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_db.h"

namespace rehook::sqlite {

class Checkpointer {
 public:
  // Opens its own connection to the database; attaches to `writer` so that large WALs wake it.
  Checkpointer(const std::string& db_path, Database& writer);
  // Stops the thread (after a checkpoint in progress finishes).
  ~Checkpointer();

 private:
  static int OnCommit(void* self, sqlite3* db, const char* schema, int wal_frames);
  void Run();

  Database connection_;
  sqlite3* writer_;
  const int checkpoint_frames_;  // the WAL size (in frames) that wakes the thread
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rehook::sqlite
