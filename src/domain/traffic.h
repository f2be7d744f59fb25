#pragma once
// Traffic over time (API.md, "Insight"): how many events were captured, and how many delivery
// attempts succeeded or failed, per minute or hour, with the attempts' response times. The
// store keeps these as small rollups written with each group commit (TrafficRow), so that a
// chart never scans events; response times are kept as counts per latency class, from which
// p50 and p95 are estimated.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace rehook {

inline constexpr TimeMs kMinuteMs = 60'000;
inline constexpr TimeMs kHourMs = 60 * kMinuteMs;
// Rollups are kept at both sizes: an hourly series over days reads 24 rows a day, not 1440.
inline constexpr std::array<TimeMs, 2> kTrafficBucketSizes{kMinuteMs, kHourMs};

// The start of the bucket of `size` that holds `time` (also for times before the epoch).
inline TimeMs TrafficBucketStart(TimeMs time, TimeMs size) {
  return time - ((time % size) + size) % size;
}

// Response times are counted in classes about a third wider each, from under 5 ms to 60 s and
// more: a percentile estimated within its class is off by at most a class's width.
inline constexpr std::array<std::int64_t, 24> kLatencyClassUpperMs{
    5,    10,   20,   30,   50,   75,   100,   150,   200,   300,   500,   750,
    1000, 1500, 2000, 3000, 5000, 7500, 10000, 15000, 20000, 30000, 60000, 120000};
// The class of attempts with no response time (no response arrived).
inline constexpr int kNoLatencyClass = -1;
int LatencyClassOf(std::optional<std::int64_t> response_time_ms);

// One rollup row: the counts of one bucket for one source and destination. Capture is counted
// on rows with destination_id "" (events captured by the source) and on rows of each destination
// the event was routed to (`captured` there counts routed events); attempts on rows of their
// destination, per latency class.
struct TrafficRow {
  std::string org_id;
  TimeMs bucket_ms = kMinuteMs;
  TimeMs t = 0;  // the bucket's start
  std::string source_id;
  std::string destination_id;
  int latency_class = kNoLatencyClass;
  std::int64_t captured = 0;
  std::int64_t delivered = 0;
  std::int64_t failed = 0;
};

struct TrafficQuery {
  std::string org_id;
  TimeMs from = 0;  // inclusive; a bucket boundary
  TimeMs to = 0;    // exclusive; a bucket boundary
  TimeMs bucket_ms = kHourMs;
  std::optional<std::string> source_id;
  std::optional<std::string> destination_id;
};

// One point of a series.
struct TrafficPoint {
  TimeMs t = 0;
  std::int64_t captured = 0;
  std::int64_t delivered = 0;
  std::int64_t failed = 0;
  std::optional<std::int64_t> p50_ms;  // null when no attempt of the bucket got a response
  std::optional<std::int64_t> p95_ms;
};

// The series `query` asks for, one point per bucket from `from` to `to` (buckets without
// traffic are zero), out of the rollup rows the store found for it: with a destination, its own
// rows (captured counting the events routed to it); without, capture from the sources' rows and
// attempts from every destination's.
std::vector<TrafficPoint> FoldTraffic(const TrafficQuery& query,
                                      const std::vector<TrafficRow>& rows);

}  // namespace rehook
