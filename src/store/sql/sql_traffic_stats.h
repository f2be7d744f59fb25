#pragma once
// TrafficStats over the SQL backend, for either engine.

#include "store/roles/traffic_stats.h"
#include "store/sql/sql_backend.h"

namespace rehook {

class SqlTrafficStats final : public TrafficStats {
 public:
  explicit SqlTrafficStats(sql::Backend& backend) : backend_(backend) {}

  std::vector<TrafficRow> ListTraffic(const TrafficQuery& query) override;
  int DeleteTrafficBefore(const std::string& org_id, TimeMs cutoff, int limit) override;

 private:
  sql::Backend& backend_;
};

}  // namespace rehook
