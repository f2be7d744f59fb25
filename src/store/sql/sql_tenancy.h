#pragma once
// TenancyStore over the SQL backend, for either engine.

#include "store/roles/tenancy_store.h"
#include "store/sql/sql_backend.h"

namespace rehook {

class SqlTenancy final : public TenancyStore {
 public:
  explicit SqlTenancy(sql::Backend& backend) : backend_(backend) {}

  bool BootstrapFirstOrganization(const Organization& org, const ApiKey& key) override;
  void InsertOrganization(const Organization& org) override;
  std::optional<Organization> GetOrganization(const std::string& org_id) override;
  Page<Organization> ListOrganizations(const PageRequest& page) override;
  bool UpdateOrganization(const Organization& org) override;

  void InsertApiKey(const ApiKey& key) override;
  std::optional<ApiKey> FindApiKeyByHash(const std::string& key_hash) override;
  std::optional<ApiKey> GetApiKey(const std::string& org_id, const std::string& key_id) override;
  Page<ApiKey> ListApiKeys(const std::string& org_id, const PageRequest& page) override;
  bool DeleteApiKey(const std::string& org_id, const std::string& key_id) override;

  void InsertSession(const Session& session, int max_live_per_key) override;
  std::optional<ApiKey> FindSessionKey(const std::string& token_hash, TimeMs now) override;
  void DeleteSession(const std::string& token_hash) override;

 private:
  sql::Backend& backend_;
};

}  // namespace rehook
