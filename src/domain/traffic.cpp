#include "domain/traffic.h"

#include <algorithm>

namespace rehook {
namespace {

// Counts per latency class of one bucket.
using LatencyCounts = std::array<std::int64_t, kLatencyClassUpperMs.size()>;

// The response time below which `share` of the bucket's timed attempts fall, interpolated
// within its class (attempts taken as spread evenly across it).
std::optional<std::int64_t> Percentile(const LatencyCounts& counts, double share) {
  std::int64_t total = 0;
  for (std::int64_t count : counts) total += count;
  if (total == 0) return std::nullopt;
  const double rank = share * static_cast<double>(total);
  double below = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    if (below + static_cast<double>(counts[i]) >= rank) {
      const double lower = i == 0 ? 0.0 : static_cast<double>(kLatencyClassUpperMs[i - 1]);
      const double upper = static_cast<double>(kLatencyClassUpperMs[i]);
      const double within = (rank - below) / static_cast<double>(counts[i]);
      return static_cast<std::int64_t>(lower + within * (upper - lower) + 0.5);
    }
    below += static_cast<double>(counts[i]);
  }
  return kLatencyClassUpperMs.back();
}

}  // namespace

int LatencyClassOf(std::optional<std::int64_t> response_time_ms) {
  if (!response_time_ms) return kNoLatencyClass;
  auto upper =
      std::lower_bound(kLatencyClassUpperMs.begin(), kLatencyClassUpperMs.end(), *response_time_ms);
  if (upper == kLatencyClassUpperMs.end()) --upper;  // the last class holds everything slower
  return static_cast<int>(upper - kLatencyClassUpperMs.begin());
}

std::vector<TrafficPoint> FoldTraffic(const TrafficQuery& query,
                                      const std::vector<TrafficRow>& rows) {
  const TimeMs size = query.bucket_ms;
  const std::size_t buckets =
      query.to > query.from ? static_cast<std::size_t>((query.to - query.from) / size) : 0;
  std::vector<TrafficPoint> points(buckets);
  std::vector<LatencyCounts> latencies(buckets, LatencyCounts{});
  for (std::size_t i = 0; i < buckets; ++i)
    points[i].t = query.from + static_cast<TimeMs>(i) * size;
  for (const TrafficRow& row : rows) {
    if (row.t < query.from || row.t >= query.to) continue;
    const auto index = static_cast<std::size_t>((row.t - query.from) / size);
    TrafficPoint& point = points[index];
    const bool capture_row = row.destination_id.empty();
    // Without a destination, capture is counted once, on the sources' rows; with one, on its
    // own rows (the events routed to it).
    if (capture_row != query.destination_id.has_value()) point.captured += row.captured;
    if (capture_row) continue;
    point.delivered += row.delivered;
    point.failed += row.failed;
    if (row.latency_class >= 0 && row.latency_class < static_cast<int>(LatencyCounts{}.size())) {
      latencies[index][static_cast<std::size_t>(row.latency_class)] += row.delivered + row.failed;
    }
  }
  for (std::size_t i = 0; i < buckets; ++i) {
    points[i].p50_ms = Percentile(latencies[i], 0.50);
    points[i].p95_ms = Percentile(latencies[i], 0.95);
  }
  return points;
}

}  // namespace rehook
