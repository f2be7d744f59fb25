#include "capture/source_cache.h"

namespace rehook {

SourceCache::SourceCache(const Clock& clock, TimeMs ttl_ms, std::size_t max_entries)
    : clock_(clock), ttl_ms_(ttl_ms), max_entries_(max_entries) {}

std::optional<std::optional<Source>> SourceCache::Lookup(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires_at <= clock_.Now()) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.source;
}

void SourceCache::Put(const std::string& id, std::optional<Source> source) {
  std::lock_guard lock(mutex_);
  // Crude but bounded: a full cache starts over rather than tracking recency.
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[id] = Entry{std::move(source), clock_.Now() + ttl_ms_};
}

void SourceCache::Invalidate(const std::string& id) {
  std::lock_guard lock(mutex_);
  entries_.erase(id);
}

}  // namespace rehook
