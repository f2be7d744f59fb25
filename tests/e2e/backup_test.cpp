// Online backup and restore through the real binary: `rehook backup` copies the SQLite store
// while captures keep arriving, and `rehook restore` puts it into a new data directory where a
// server then has every event acknowledged before the backup began (and its keys). A damaged or
// foreign file is refused before anything is replaced, as is a store already there without
// --force or a data directory a server is using; a store of a newer rehook is refused by restore
// and by the server; a backup can be slowed down for a disk shared with the store; only
// super_admin may take a backup; on PostgreSQL rehook says to use pg_dump.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "support/api_helpers.h"
#include "support/cli_runner.h"
#include "support/rehook_process.h"
#include "support/temp_dir.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The journal mode a SQLite file opens in (its header says whether it is in WAL mode).
std::string StoredJournalMode(const std::string& path) {
  sqlite3* db = nullptr;
  std::string mode;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      mode = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return mode;
}

CliResult Cli(const RehookProcess& server, const std::string& key,
              const std::vector<std::string>& args) {
  return RunCli(args, {{"REHOOK_URL", server.url()}, {"REHOOK_API_KEY", key}});
}

TEST(BackupTest, ABackupTakenWhileCapturingRestoresEveryEventAcknowledgedBeforeIt) {
  if (EndToEndOnPostgres()) GTEST_SKIP() << "PostgreSQL is backed up with pg_dump (next test)";
  RehookProcess server;
  HttpClient admin = server.Admin();
  const std::string source = CreateSource(admin, "stripe");

  // Captures keep arriving, from before the backup starts until after it ends.
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::thread capturer([&] {
    HttpClient client = server.Client();
    for (int i = 0; !stop; ++i) {
      auto response = client.Request("POST", "/in/" + source, R"({"n":)" + std::to_string(i) + "}",
                                     {{"Content-Type", "application/json"}});
      if (response.status != 200) continue;
      std::lock_guard lock(mutex);
      acknowledged.push_back(JsonString(response.Json(), "id"));
    }
  });
  WaitUntil(
      [&] {
        std::lock_guard lock(mutex);
        return acknowledged.size() >= 50;
      },
      10s);
  std::vector<std::string> before;
  {
    std::lock_guard lock(mutex);
    before = acknowledged;
  }
  TempDir backups;
  const std::string file = backups.path() + "/rehook.db";
  CliResult backup = Cli(server, server.admin_key(), {"backup", "--to", file});
  std::size_t during = 0;
  {
    std::lock_guard lock(mutex);
    during = acknowledged.size() - before.size();
  }
  stop = true;
  capturer.join();
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_TRUE(Contains(backup.err, "rehook restore --from")) << backup.err;
  ASSERT_GE(before.size(), 50u);
  EXPECT_GT(during, 0u) << "captures went on while the backup was taken";
  EXPECT_FALSE(std::filesystem::exists(file + ".partial"));
  // A file that stands alone: an ordinary SQLite database, no WAL expected beside it.
  EXPECT_EQ(StoredJournalMode(file), "delete");
  // The server's own copy is gone once sent.
  for (const auto& entry : std::filesystem::directory_iterator(server.data_dir())) {
    EXPECT_FALSE(Contains(entry.path().filename().string(), "backup-")) << entry.path();
  }

  // A second server, its own store replaced by the backup.
  RehookProcess restored;
  restored.Terminate();
  CliResult refused = RunCli({"restore", "--from", file, "--data-dir", restored.data_dir()});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(Contains(refused.err, "--force")) << refused.err;
  CliResult put_back =
      RunCli({"restore", "--from", file, "--data-dir", restored.data_dir(), "--force"});
  ASSERT_EQ(put_back.exit_code, 0) << put_back.err;
  restored.Restart();
  HttpClient restored_admin = restored.WithKey(server.admin_key());  // the backup's keys
  for (const std::string& id : before) {
    auto event = restored_admin.Get("/v1/events/" + id);
    ASSERT_EQ(event.status, 200) << id << " was acknowledged before the backup began";
  }
  EXPECT_EQ(JsonString(restored_admin.Get("/v1/sources/" + source).Json(), "name"), "stripe");
  // A restored store is a store like any other: it captures.
  HttpClient restored_client = restored.Client();
  Capture(restored_client, source);

  // Restoring into a data directory a server is using is refused.
  CliResult busy =
      RunCli({"restore", "--from", file, "--data-dir", restored.data_dir(), "--force"});
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_FALSE(busy.err.empty());
}

TEST(BackupTest, ADamagedOrForeignFileIsRefusedBeforeAnythingIsReplaced) {
  if (EndToEndOnPostgres())
    GTEST_SKIP() << "restore is of SQLite files: covered by the SQLite pass";
  TempDir dir;
  const std::string data_dir = dir.path() + "/data";
  const std::string garbage = dir.path() + "/garbage.db";
  std::ofstream(garbage) << "this is not a database, though it is named like one";
  CliResult not_sqlite = RunCli({"restore", "--from", garbage, "--data-dir", data_dir});
  EXPECT_EQ(not_sqlite.exit_code, 1);
  EXPECT_TRUE(Contains(not_sqlite.err, garbage)) << not_sqlite.err;
  EXPECT_FALSE(std::filesystem::exists(data_dir + "/rehook.db"));

  CliResult missing =
      RunCli({"restore", "--from", dir.path() + "/none.db", "--data-dir", data_dir});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(Contains(missing.err, "none.db")) << missing.err;

  // A real backup with its middle overwritten: the integrity check finds it.
  RehookProcess server;
  HttpClient admin = server.Admin();
  const std::string source = CreateSource(admin);
  HttpClient client = server.Client();
  for (int i = 0; i < 200; ++i) Capture(client, source, std::string(2000, 'x'));
  const std::string file = dir.path() + "/backup.db";
  ASSERT_EQ(Cli(server, server.admin_key(), {"backup", "--to", file}).exit_code, 0);

  // An intact store of a newer rehook: refused by restore, and by a server asked to open it.
  const std::string newer = dir.path() + "/newer.db";
  std::filesystem::copy_file(file, newer);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(newer.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  CliResult too_new = RunCli({"restore", "--from", newer, "--data-dir", data_dir});
  EXPECT_EQ(too_new.exit_code, 1);
  EXPECT_TRUE(Contains(too_new.err, "newer rehook")) << too_new.err;
  EXPECT_FALSE(std::filesystem::exists(data_dir + "/rehook.db"));
  const std::string newer_dir = dir.path() + "/newer-data";
  std::filesystem::create_directories(newer_dir);
  std::filesystem::copy_file(newer, newer_dir + "/rehook.db");
  CliResult serve = RunCli({"serve", "--listen", "127.0.0.1:0", "--data-dir", newer_dir}, {}, 30s);
  EXPECT_NE(serve.exit_code, 0);
  EXPECT_TRUE(Contains(serve.err, "is newer than this rehook")) << serve.err;

  {
    std::fstream damage(file, std::ios::in | std::ios::out | std::ios::binary);
    damage.seekp(static_cast<std::streamoff>(std::filesystem::file_size(file) / 2));
    const std::string junk(40000, '\x5a');
    damage.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  CliResult damaged = RunCli({"restore", "--from", file, "--data-dir", data_dir});
  EXPECT_EQ(damaged.exit_code, 1);
  EXPECT_TRUE(Contains(damaged.err, "damaged") || Contains(damaged.err, "not a readable"))
      << damaged.err;
  EXPECT_FALSE(std::filesystem::exists(data_dir + "/rehook.db"));
}

TEST(BackupTest, ABackupCanBeSlowedDownForASharedDiskAndABadRateIsRefused) {
  if (EndToEndOnPostgres()) GTEST_SKIP() << "PostgreSQL is backed up with pg_dump";
  RehookProcess server;
  HttpClient admin = server.Admin();
  const std::string source = CreateSource(admin, "stripe");
  HttpClient client = server.Client();
  const std::string body(8000, 'x');
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(client.Request("POST", "/in/" + source, body, {}).status, 200);
  }
  for (const char* bad : {"0", "-5", "1.5", "fast", "100001"}) {
    auto answer =
        admin.Request("POST", std::string("/v1/admin/backup?max_mb_per_s=") + bad, "", {});
    EXPECT_EQ(answer.status, 400) << bad;
    EXPECT_TRUE(Contains(answer.body, "max_mb_per_s")) << answer.body;
  }
  TempDir dir;
  const std::string file = dir.path() + "/slow.db";
  const auto started = std::chrono::steady_clock::now();
  CliResult slow = Cli(server, server.admin_key(), {"backup", "--to", file, "--max-rate", "1"});
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(slow.exit_code, 0) << slow.err;
  // At one megabyte a second the copy cannot have been written faster than its size allows.
  const double megabytes = static_cast<double>(std::filesystem::file_size(file)) / (1 << 20);
  EXPECT_GT(megabytes, 0.5);
  EXPECT_GE(took.count(), megabytes) << megabytes << " MB";
  EXPECT_EQ(StoredJournalMode(file), "delete");
  CliResult usage = Cli(server, server.admin_key(), {"backup", "--to", file, "--max-rate", "0"});
  EXPECT_EQ(usage.exit_code, 2) << usage.err;
}

TEST(BackupTest, OnlySuperAdminsTakeBackupsAndPostgresSaysToUsePgDump) {
  RehookProcess server;
  HttpClient admin = server.Admin();
  const std::string admin_key = CreateKey(admin, "admin");
  TempDir dir;
  CliResult refused = Cli(server, admin_key, {"backup", "--to", dir.path() + "/b.db"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/b.db"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/b.db.partial"));
  if (!EndToEndOnPostgres()) return;
  auto answer = admin.Request("POST", "/v1/admin/backup", "", {});
  EXPECT_EQ(answer.status, 409) << answer.body;
  EXPECT_TRUE(Contains(answer.body, "pg_dump")) << answer.body;
  CliResult cli = Cli(server, server.admin_key(), {"backup", "--to", dir.path() + "/b.db"});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_TRUE(Contains(cli.err, "pg_dump")) << cli.err;
}

}  // namespace
}  // namespace rehook::testing
