#pragma once
// The two kinds of measurement rehook keeps in memory: counters and latency histograms. Both are
// lock-free (relaxed atomics): they are bumped on io threads for every request and read only
// when /metrics is scraped, where a slightly torn view across buckets does no harm.

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace rehook {

class Counter {
 public:
  void Add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// Observations in seconds, counted into buckets with fixed upper bounds (Prometheus `le`).
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);

  void Observe(double seconds);

  struct Reading {
    std::vector<double> upper_bounds;
    std::vector<std::uint64_t> cumulative_counts;  // one per bound, then +Inf
    double sum_seconds = 0;
  };
  Reading Read() const;

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // upper_bounds_.size() + 1 (+Inf)
  std::atomic<std::uint64_t> sum_nanoseconds_{0};
};

// 0.5 ms … 10 s: from a group commit on a fast disk to a destination that is about to time out.
std::vector<double> LatencyBuckets();

}  // namespace rehook
