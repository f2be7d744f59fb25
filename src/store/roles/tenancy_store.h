#pragma once
// Store role: organizations, their API keys and dashboard sessions (who may do what).

#include <optional>
#include <string>

#include "domain/tenancy.h"
#include "store/queries.h"

namespace rehook {

class TenancyStore {
 public:
  virtual ~TenancyStore() = default;

  // Creates `org` and its first key in one transaction, but only when no organization exists
  // yet. Returns false (and writes nothing) when the store already has one.
  virtual bool BootstrapFirstOrganization(const Organization& org, const ApiKey& key) = 0;
  virtual void InsertOrganization(const Organization& org) = 0;
  virtual std::optional<Organization> GetOrganization(const std::string& org_id) = 0;
  virtual Page<Organization> ListOrganizations(const PageRequest& page) = 0;
  // Saves the name and retention of an existing organization; false when there is none.
  virtual bool UpdateOrganization(const Organization& org) = 0;

  virtual void InsertApiKey(const ApiKey& key) = 0;
  virtual std::optional<ApiKey> FindApiKeyByHash(const std::string& key_hash) = 0;
  virtual std::optional<ApiKey> GetApiKey(const std::string& org_id, const std::string& key_id) = 0;
  virtual Page<ApiKey> ListApiKeys(const std::string& org_id, const PageRequest& page) = 0;
  // Deletes the key and every session signed in with it.
  virtual bool DeleteApiKey(const std::string& org_id, const std::string& key_id) = 0;

  // Starts a session. Every expired session goes first, and so many of the key's oldest live
  // ones that, with the new one, at most `max_live_per_key` remain: sign-ins cannot pile up.
  virtual void InsertSession(const Session& session, int max_live_per_key) = 0;
  // The key behind a live session (expires_at > now), or nothing.
  virtual std::optional<ApiKey> FindSessionKey(const std::string& token_hash, TimeMs now) = 0;
  virtual void DeleteSession(const std::string& token_hash) = 0;
};

}  // namespace rehook
