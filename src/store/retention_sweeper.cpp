#include "store/retention_sweeper.h"

#include <chrono>

#include "common/log.h"
#include "common/thread_name.h"

namespace rehook {
namespace {

constexpr TimeMs kDayMs = 24LL * 60 * 60 * 1000;

}  // namespace

RetentionSweeper::RetentionSweeper(TenancyStore& tenancy, EventLog& events, TrafficStats& traffic,
                                   const Clock& clock, Options options)
    : tenancy_(tenancy), events_(events), traffic_(traffic), clock_(clock), options_(options) {}

RetentionSweeper::~RetentionSweeper() { Stop(); }

void RetentionSweeper::Start() {
  thread_ = std::thread([this] { Loop(); });
  NameThread(thread_, "rehook-sweeper");
}

void RetentionSweeper::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool RetentionSweeper::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void RetentionSweeper::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms),
                         [this] { return stopping_; })) {
        return;
      }
    }
    try {
      SweepOnce();
    } catch (const std::exception& e) {
      log::Error("retention.sweep_failed", {{"error", e.what()}});
    }
  }
}

std::int64_t RetentionSweeper::SweepOnce() {
  const TimeMs now = clock_.Now();
  std::int64_t erased = 0;
  PageRequest page;
  page.limit = 100;
  for (;;) {
    Page<Organization> orgs = tenancy_.ListOrganizations(page);
    for (const Organization& org : orgs.items) {
      const TimeMs cutoff = now - org.retention_days * kDayMs;
      for (;;) {
        if (stopping()) return erased;
        int removed = events_.DeleteEventsBefore(org.id, cutoff, options_.batch_size);
        erased += removed;
        if (removed < options_.batch_size) break;
      }
      while (!stopping() && traffic_.DeleteTrafficBefore(org.id, cutoff, options_.batch_size) > 0) {
      }
    }
    if (!orgs.next) break;
    page.after = orgs.next;
  }
  // Keys older than the longest window can no longer match anything.
  const TimeMs key_cutoff = now - options_.dedup_key_max_age_ms;
  while (!stopping() &&
         events_.DeleteDedupKeysBefore(key_cutoff, options_.batch_size) == options_.batch_size) {
  }
  // Every sweep, not only after erasures: free pages also come from finished delivery tasks and
  // from a migration that rebuilt a table (schema 9). A bounded step; nothing when none is free.
  events_.ReclaimSpace();
  if (erased > 0) log::Info("retention.swept", {{"events", erased}});
  return erased;
}

}  // namespace rehook
