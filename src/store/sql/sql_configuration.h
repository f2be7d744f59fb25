#pragma once
// ConfigurationStore over the SQL backend, for either engine.

#include "store/roles/configuration_store.h"
#include "store/sql/sql_backend.h"

namespace rehook {

class SqlConfiguration final : public ConfigurationStore {
 public:
  explicit SqlConfiguration(sql::Backend& backend) : backend_(backend) {}

  void InsertSource(const Source& source) override;
  std::optional<Source> GetSource(const std::string& org_id, const std::string& id) override;
  std::optional<Source> FindSourceForCapture(const std::string& id) override;
  Page<Source> ListSources(const std::string& org_id, const PageRequest& page) override;
  bool UpdateSource(const Source& source) override;
  bool DeleteSource(const std::string& org_id, const std::string& id) override;

  void InsertDestination(const Destination& destination) override;
  std::optional<Destination> GetDestination(const std::string& org_id,
                                            const std::string& id) override;
  Page<Destination> ListDestinations(const std::string& org_id, const PageRequest& page) override;
  std::optional<Destination> FindDestination(const std::string& id) override;
  std::vector<Destination> DestinationsFailingTooLong(TimeMs now, int limit) override;
  bool DisableFailingDestination(const std::string& id, TimeMs now) override;
  bool UpdateDestination(const Destination& destination) override;
  bool DeleteDestination(const std::string& org_id, const std::string& id) override;

  void InsertConnection(const Connection& connection) override;
  std::optional<Connection> GetConnection(const std::string& org_id,
                                          const std::string& id) override;
  Page<Connection> ListConnections(const std::string& org_id, const PageRequest& page) override;
  std::vector<Connection> ListConnectionsOfSource(const std::string& source_id) override;
  bool UpdateConnection(const Connection& connection) override;
  bool DeleteConnection(const std::string& org_id, const std::string& id) override;

  void InsertTransformation(const Transformation& transformation) override;
  std::optional<Transformation> GetTransformation(const std::string& org_id,
                                                  const std::string& id) override;
  Page<Transformation> ListTransformations(const std::string& org_id,
                                           const PageRequest& page) override;
  bool UpdateTransformation(const Transformation& transformation) override;
  std::variant<bool, TransformationInUse> DeleteTransformation(const std::string& org_id,
                                                               const std::string& id) override;

 private:
  sql::Backend& backend_;
};

}  // namespace rehook
