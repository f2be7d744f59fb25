#pragma once
// What a group-committed batch adds to the traffic rollups (domain/traffic.h): its captured
// events (with the destinations they were routed to) and its attempts, summed per rollup row
// at both bucket sizes. The store adds these sums to the rows in the batch's own transaction,
// so the charts agree with the events and attempts they count, crash or not.

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "domain/traffic.h"
#include "store/write_batch.h"

namespace rehook {

// A rollup row's identity. Rows are written in this order, so two writers adding to the same
// rows never wait on each other in a cycle.
struct TrafficKey {
  std::string org_id;
  TimeMs bucket_ms = 0;
  TimeMs t = 0;
  std::string source_id;
  std::string destination_id;
  int latency_class = kNoLatencyClass;
  auto operator<=>(const TrafficKey&) const = default;
};

struct TrafficCounts {
  std::int64_t captured = 0;
  std::int64_t delivered = 0;
  std::int64_t failed = 0;
};

using TrafficRollup = std::map<TrafficKey, TrafficCounts>;

// A stored event: once for its source, once for each destination it was routed to.
void AddCapture(TrafficRollup& rollup, const NewEvent& event);
// An attempt (a skipped one counts nothing: nothing was sent).
void AddAttempt(TrafficRollup& rollup, const DeliveryAttempt& attempt);
// Every attempt of the batch.
void AddAttempts(TrafficRollup& rollup, const WriteBatch& batch);

}  // namespace rehook
