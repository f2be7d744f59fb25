#pragma once
// ClusterState over the SQL backend, for either engine. With SQLite one node serves the store,
// so nothing uses it in production; it exists so that both stores keep one contract.

#include "store/roles/cluster_state.h"
#include "store/sql/sql_backend.h"

namespace rehook {

class SqlClusterState final : public ClusterState {
 public:
  explicit SqlClusterState(sql::Backend& backend) : backend_(backend) {}

  TimeMs ReserveDeliverySlot(const std::string& destination_id, TimeMs now,
                             TimeMs spacing_ms) override;
  CircuitRecord ReportCircuit(const CircuitReport& report, int threshold, TimeMs cooldown_ms,
                              TimeMs now) override;
  std::vector<CircuitRecord> ListTroubledCircuits() override;

 private:
  sql::Backend& backend_;
};

}  // namespace rehook
