// The VFS that gathers WAL frame writes: fewer write calls, and every committed transaction in
// the files the moment its COMMIT returns.
#include "store/sqlite/wal_gather_vfs.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "store/sqlite/sqlite_db.h"
#include "unit/store_fixture.h"

namespace rehook {
namespace {

// What the files hold right now, as a crash would leave them: the database and the WAL copied
// (without the shared-memory index, so opening the copy recovers from the WAL, checking every
// frame's checksum) and read through SQLite's own VFS.
std::string RowsAfterACrash(const std::string& dir, const std::string& name) {
  const std::string copy = dir + "/crash-" + name;
  std::filesystem::remove(copy);
  std::filesystem::remove(copy + "-wal");
  std::filesystem::copy_file(dir + "/" + name, copy);
  std::filesystem::copy_file(dir + "/" + name + "-wal", copy + "-wal");
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(copy.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  std::string rows;
  auto append = [](void* out, int columns, char** values, char**) {
    for (int i = 0; i < columns; ++i) *static_cast<std::string*>(out) += values[i] ? values[i] : "";
    *static_cast<std::string*>(out) += "\n";
    return 0;
  };
  EXPECT_EQ(sqlite3_exec(db, "PRAGMA integrity_check", append, &rows, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "SELECT id, v FROM t ORDER BY id", append, &rows, nullptr), SQLITE_OK);
  sqlite3_close(db);
  return rows;
}

std::string Rows(sqlite::Database& db) {
  std::string rows = "ok\n";
  auto select = db.Prepare("SELECT id, v FROM t ORDER BY id");
  while (select->Step()) rows += std::to_string(select->Int64(0)) + select->Text(1) + "\n";
  return rows;
}

TEST(WalGatherVfsTest, WritesACommitsFramesWithAFewCallsInsteadOfTwoPerFrame) {
  testing::TempDir dir;
  sqlite::Database db(dir.path() + "/g.db");
  db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  const auto requested = sqlite::WalWritesRequested();
  const auto issued = sqlite::WalWriteCallsIssued();
  db.Exec("BEGIN");
  for (int i = 0; i < 60; ++i) {
    db.Exec("INSERT INTO t (v) VALUES (printf('%.*c', 1000, 'x'))");
  }
  db.Exec("COMMIT");
  // 60 KB of rows on 16 KB pages: at least 4 frames, i.e. 8 writes asked for.
  EXPECT_GE(sqlite::WalWritesRequested() - requested, 8u);
  // The frames before the commit frame with its header, then the commit frame's page.
  EXPECT_LE(sqlite::WalWriteCallsIssued() - issued, 2u);
}

// A transaction larger than SQLite's page cache spills frames to the WAL before it commits and
// then changes those pages again, which makes SQLite overwrite its own frames and rewrite their
// checksums after the commit frame: the hardest case for gathering.
TEST(WalGatherVfsTest, EveryCommitIsInTheFilesWhenItReturnsEvenWhenTheCacheSpills) {
  testing::TempDir dir;
  sqlite::Database db(dir.path() + "/s.db");
  db.Exec("PRAGMA cache_size=2");
  db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  for (int round = 0; round < 6; ++round) {
    const std::string letter = std::string(1, static_cast<char>('a' + round));
    db.Exec("BEGIN");
    for (int i = 0; i < 40; ++i) {
      db.Exec("INSERT INTO t (v) VALUES (printf('%.*c', 3000, '" + letter + "'))");
    }
    db.Exec("UPDATE t SET v = v || '" + letter + "' WHERE id % 7 = 0");
    db.Exec("COMMIT");
    // The files first: reading through `db` could write out what the VFS still held.
    const std::string after_crash = RowsAfterACrash(dir.path(), "s.db");
    EXPECT_EQ(after_crash, Rows(db)) << "after round " << round;
  }
}

TEST(WalGatherVfsTest, SmallCommitsAreInTheFilesWhenTheyReturn) {
  testing::TempDir dir;
  sqlite::Database db(dir.path() + "/small.db");
  db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  for (int i = 0; i < 20; ++i) {
    db.Exec("INSERT INTO t (v) VALUES ('row " + std::to_string(i) + "')");
    const std::string after_crash = RowsAfterACrash(dir.path(), "small.db");
    EXPECT_EQ(after_crash, Rows(db)) << "after insert " << i;
  }
}

}  // namespace
}  // namespace rehook
