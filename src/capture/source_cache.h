#pragma once
// Sources by id for the capture path, cached for a short time so a flood of webhooks does not
// become a flood of source lookups. Unknown ids are cached too (briefly), so random ingest URLs
// cannot hammer the store. Changes made through this node invalidate at once; other nodes see
// them within the TTL.

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "store/model.h"

namespace rehook {

class SourceCache {
 public:
  SourceCache(const Clock& clock, TimeMs ttl_ms, std::size_t max_entries = 100000);

  // Outer optional: whether the cache knows; inner: the source, or that none exists.
  std::optional<std::optional<Source>> Lookup(const std::string& id);
  void Put(const std::string& id, std::optional<Source> source);
  void Invalidate(const std::string& id);

 private:
  struct Entry {
    std::optional<Source> source;
    TimeMs expires_at = 0;
  };

  const Clock& clock_;
  TimeMs ttl_ms_;
  std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace rehook
