#pragma once
// The embedded store: one SQLite file in WAL mode. All writes go through one writer connection
// (SQLite allows one writer at a time anyway); reads use pooled connections so they never wait
// for a commit. Commits are made durable by WalSync (see wal_sync.h): right away for every write
// but AppendEvents, whose batches are synced by SyncAppends so that the group-commit writer can
// overlap one batch's fsync with the next batch's inserts. Checkpoints run on their own thread.

#include <memory>
#include <mutex>
#include <string>
#include <type_traits>

#include "store/sqlite/checkpointer.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/wal_sync.h"
#include "store/store.h"

namespace rehook {

class SqliteStore final : public Store {
 public:
  // Opens or creates the database file at `path` and migrates it to the latest schema.
  explicit SqliteStore(const std::string& path);

  bool Ping() override;

  bool BootstrapFirstOrganization(const Organization& org, const ApiKey& key) override;
  void InsertOrganization(const Organization& org) override;
  std::optional<Organization> GetOrganization(const std::string& org_id) override;
  Page<Organization> ListOrganizations(const PageRequest& page) override;

  void InsertApiKey(const ApiKey& key) override;
  std::optional<ApiKey> FindApiKeyByHash(const std::string& key_hash) override;
  std::optional<ApiKey> GetApiKey(const std::string& org_id, const std::string& key_id) override;
  Page<ApiKey> ListApiKeys(const std::string& org_id, const PageRequest& page) override;
  bool DeleteApiKey(const std::string& org_id, const std::string& key_id) override;

  void InsertSession(const Session& session) override;
  std::optional<ApiKey> FindSessionKey(const std::string& token_hash, TimeMs now) override;
  void DeleteSession(const std::string& token_hash) override;

  void InsertSource(const Source& source) override;
  std::optional<Source> GetSource(const std::string& org_id, const std::string& id) override;
  std::optional<Source> FindSourceForCapture(const std::string& id) override;
  Page<Source> ListSources(const std::string& org_id, const PageRequest& page) override;
  bool UpdateSource(const Source& source) override;
  bool DeleteSource(const std::string& org_id, const std::string& id) override;

  void AppendEvents(std::span<const Event> events) override;
  void SyncAppends() override;
  std::optional<Event> GetEvent(const std::string& org_id, const std::string& id,
                                bool with_body) override;
  Page<Event> ListEvents(const EventQuery& query) override;

 private:
  // Runs `fn` with the writer connection held exclusively, then makes its commit durable.
  template <class F>
  auto WithWriter(F&& fn) {
    if constexpr (std::is_void_v<std::invoke_result_t<F, sqlite::Connection&>>) {
      WithWriterUnsynced(fn);
      wal_->Sync();
    } else {
      auto result = WithWriterUnsynced(fn);
      wal_->Sync();
      return result;
    }
  }

  // Same, without waiting for durability (AppendEvents; see SyncAppends).
  template <class F>
  auto WithWriterUnsynced(F&& fn) {
    std::lock_guard lock(writer_mutex_);
    return fn(writer_);
  }

  std::mutex writer_mutex_;
  sqlite::Connection writer_;
  sqlite::ConnectionPool readers_;
  std::unique_ptr<sqlite::WalSync> wal_;
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;
};

}  // namespace rehook
