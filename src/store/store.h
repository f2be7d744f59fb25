#pragma once
// Store: everything rehook persists, behind one interface with a SQLite and a PostgreSQL
// implementation. Calls block; the server runs them on the store's own threads (StoreExecutor,
// EventWriter) so io threads never wait on disk.
//
// Contract shared by all methods:
//  - Lookups scoped by org_id return nothing for another org's records (tenant isolation is
//    enforced here, not only in handlers).
//  - Failures of the database itself throw StoreError; "not found" is an empty optional/false.
//  - Ids and timestamps are chosen by the caller, so every implementation stores the same values.
//  - Every write except AppendEvents is durable when the method returns.

#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/model.h"

namespace rehook {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  virtual ~Store() = default;

  // True when the store answers a trivial query (used by /readyz).
  virtual bool Ping() = 0;

  // --- Organizations and keys -----------------------------------------------------------
  // Creates `org` and its first key in one transaction, but only when no organization exists
  // yet. Returns false (and writes nothing) when the store already has one.
  virtual bool BootstrapFirstOrganization(const Organization& org, const ApiKey& key) = 0;
  virtual void InsertOrganization(const Organization& org) = 0;
  virtual std::optional<Organization> GetOrganization(const std::string& org_id) = 0;
  virtual Page<Organization> ListOrganizations(const PageRequest& page) = 0;

  virtual void InsertApiKey(const ApiKey& key) = 0;
  virtual std::optional<ApiKey> FindApiKeyByHash(const std::string& key_hash) = 0;
  virtual std::optional<ApiKey> GetApiKey(const std::string& org_id, const std::string& key_id) = 0;
  virtual Page<ApiKey> ListApiKeys(const std::string& org_id, const PageRequest& page) = 0;
  // Deletes the key and every session signed in with it.
  virtual bool DeleteApiKey(const std::string& org_id, const std::string& key_id) = 0;

  virtual void InsertSession(const Session& session) = 0;
  // The key behind a live session (expires_at > now), or nothing.
  virtual std::optional<ApiKey> FindSessionKey(const std::string& token_hash, TimeMs now) = 0;
  virtual void DeleteSession(const std::string& token_hash) = 0;

  // --- Sources ---------------------------------------------------------------------------
  virtual void InsertSource(const Source& source) = 0;
  virtual std::optional<Source> GetSource(const std::string& org_id, const std::string& id) = 0;
  // Looks a source up by id alone: capture knows only the id in the ingest URL.
  virtual std::optional<Source> FindSourceForCapture(const std::string& id) = 0;
  virtual Page<Source> ListSources(const std::string& org_id, const PageRequest& page) = 0;
  virtual bool UpdateSource(const Source& source) = 0;
  // Removes the source; its captured events stay (and stay replayable) until retention.
  virtual bool DeleteSource(const std::string& org_id, const std::string& id) = 0;

  // --- Events ----------------------------------------------------------------------------
  // Appends all events in one transaction (all or nothing). They are visible to reads at once,
  // but only guaranteed to survive a crash or power loss once SyncAppends() has returned.
  // Splitting the two lets the group-commit writer insert the next batch while the previous one
  // is being fsync'd (see EventWriter).
  virtual void AppendEvents(std::span<const Event> events) = 0;
  // Returns once every event appended before the call is durable. Throws StoreError if that
  // cannot be guaranteed (a failed fsync), and keeps throwing afterwards.
  virtual void SyncAppends() = 0;
  virtual std::optional<Event> GetEvent(const std::string& org_id, const std::string& id,
                                        bool with_body) = 0;
  // Newest first (received_at desc, id desc); bodies are not loaded.
  virtual Page<Event> ListEvents(const EventQuery& query) = 0;
};

}  // namespace rehook
