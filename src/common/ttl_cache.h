#pragma once
// A small thread-safe map whose entries expire after a fixed time, for data that other nodes
// may change (sources, routes): a change made through this node invalidates at once, other
// nodes' changes are seen within the TTL. Bounded: a full cache starts over rather than
// tracking recency, which is crude but never grows.

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.h"

namespace rehook {

template <class Value>
class TtlCache {
 public:
  TtlCache(const Clock& clock, TimeMs ttl_ms, std::size_t max_entries = 100000)
      : clock_(clock), ttl_ms_(ttl_ms), max_entries_(max_entries) {}

  std::optional<Value> Lookup(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.expires_at <= clock_.Now()) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  void Put(const std::string& key, Value value) {
    std::lock_guard lock(mutex_);
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_[key] = Entry{std::move(value), clock_.Now() + ttl_ms_};
  }

  void Invalidate(const std::string& key) {
    std::lock_guard lock(mutex_);
    entries_.erase(key);
  }

  void InvalidateAll() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }

 private:
  struct Entry {
    Value value;
    TimeMs expires_at = 0;
  };

  const Clock& clock_;
  TimeMs ttl_ms_;
  std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace rehook
