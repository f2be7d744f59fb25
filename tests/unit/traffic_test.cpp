// Traffic series out of rollup rows: latency classes, zero-filled buckets, percentiles.
#include "domain/traffic.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

TrafficRow Attempts(TimeMs t, const std::string& destination, int latency_class,
                    std::int64_t delivered, std::int64_t failed) {
  TrafficRow row;
  row.t = t;
  row.source_id = "src_1";
  row.destination_id = destination;
  row.latency_class = latency_class;
  row.delivered = delivered;
  row.failed = failed;
  return row;
}

TrafficRow Captured(TimeMs t, const std::string& destination, std::int64_t count) {
  TrafficRow row;
  row.t = t;
  row.source_id = "src_1";
  row.destination_id = destination;
  row.captured = count;
  return row;
}

TEST(TrafficTest, ResponseTimesFallIntoClassesByTheirUpperBound) {
  EXPECT_EQ(LatencyClassOf(std::nullopt), kNoLatencyClass);
  EXPECT_EQ(LatencyClassOf(0), 0);
  EXPECT_EQ(LatencyClassOf(5), 0);
  EXPECT_EQ(LatencyClassOf(6), 1);
  EXPECT_EQ(LatencyClassOf(1000), 12);
  EXPECT_EQ(kLatencyClassUpperMs[12], 1000);
  // Slower than the last bound: the last class.
  EXPECT_EQ(LatencyClassOf(10'000'000), static_cast<int>(kLatencyClassUpperMs.size()) - 1);
}

TEST(TrafficTest, EveryBucketOfTheRangeIsAPointAndCaptureIsCountedOnce) {
  TrafficQuery query{.org_id = "org_1",
                     .from = 0,
                     .to = 3 * kMinuteMs,
                     .bucket_ms = kMinuteMs,
                     .source_id = std::nullopt,
                     .destination_id = std::nullopt};
  std::vector<TrafficRow> rows{Captured(0, "", 4),
                               Captured(0, "dst_a", 4),
                               Captured(0, "dst_b", 1),
                               Attempts(0, "dst_a", 3, 3, 1),
                               Attempts(2 * kMinuteMs, "dst_b", kNoLatencyClass, 0, 2),
                               Captured(5 * kMinuteMs, "", 9)};  // outside the range
  std::vector<TrafficPoint> points = FoldTraffic(query, rows);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0].captured, 4);  // the source's own count, not the routed ones
  EXPECT_EQ(points[0].delivered, 3);
  EXPECT_EQ(points[0].failed, 1);
  EXPECT_EQ(points[1].t, kMinuteMs);
  EXPECT_EQ(points[1].captured + points[1].delivered + points[1].failed, 0);
  EXPECT_EQ(points[1].p95_ms, std::nullopt);
  EXPECT_EQ(points[2].failed, 2);
  EXPECT_EQ(points[2].p50_ms, std::nullopt);  // failures without a response have no time

  // For one destination (the store returns only its rows), captured is what was routed to it.
  query.destination_id = "dst_a";
  points = FoldTraffic(query, {Captured(0, "dst_a", 4), Attempts(0, "dst_a", 3, 3, 1)});
  EXPECT_EQ(points[0].captured, 4);
}

TEST(TrafficTest, PercentilesAreInterpolatedWithinTheirClass) {
  TrafficQuery query{.org_id = "org_1",
                     .from = 0,
                     .to = kHourMs,
                     .bucket_ms = kHourMs,
                     .source_id = std::nullopt,
                     .destination_id = std::nullopt};
  // 90 attempts in (10, 20] ms, 10 in (500, 750] ms.
  std::vector<TrafficRow> rows{Attempts(0, "dst_a", LatencyClassOf(15), 90, 0),
                               Attempts(0, "dst_a", LatencyClassOf(600), 8, 2)};
  std::vector<TrafficPoint> points = FoldTraffic(query, rows);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].p50_ms, 16);   // 50 of 90 across 10..20 ms: 15.6
  EXPECT_EQ(points[0].p95_ms, 625);  // 5 of 10 across 500..750 ms
}

}  // namespace
}  // namespace rehook
