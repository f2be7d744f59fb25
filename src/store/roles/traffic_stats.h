#pragma once
// Store role: the traffic rollups behind /v1/stats and the dashboard's charts (see
// domain/traffic.h). They are written with each group-committed batch (EventLog::ApplyBatch),
// so this role only reads them, and prunes them with retention.

#include <string>
#include <vector>

#include "domain/traffic.h"

namespace rehook {

class TrafficStats {
 public:
  virtual ~TrafficStats() = default;

  // The rollup rows of `query` (its org, bucket size, time range and, when given, source and
  // destination), summed over the store's writers; in no particular order.
  virtual std::vector<TrafficRow> ListTraffic(const TrafficQuery& query) = 0;
  // Removes up to `limit` of the org's rollup rows of buckets that began before `cutoff`;
  // returns how many.
  virtual int DeleteTrafficBefore(const std::string& org_id, TimeMs cutoff, int limit) = 0;
};

}  // namespace rehook
