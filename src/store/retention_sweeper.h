#pragma once
// Retention: every interval, erases each organization's events older than its retention_days,
// with everything recorded about them, its traffic rollups of that age, and dedup keys older than
// the longest dedup window. Where the store keeps events by day (PostgreSQL), it first drops the
// days holding only events past their organization's retention, makes the coming days, and erases
// the rest by row up to the start of a day only (EventLog::ErasureCutoff). Works in small batches,
// each its own short transaction, so capture (which shares the store's writer) never waits long
// behind it; a sweep stops early when asked to stop. Runs on its own thread.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "store/roles/event_log.h"
#include "store/roles/tenancy_store.h"
#include "store/roles/traffic_stats.h"

namespace rehook {

class RetentionSweeper {
 public:
  struct Options {
    std::int64_t interval_ms = 60'000;
    int batch_size = 500;  // events per transaction
    // The longest dedup window a source may set (kMaxDedupWindowSeconds): older keys go.
    TimeMs dedup_key_max_age_ms = 30LL * 24 * 60 * 60 * 1000;
  };

  RetentionSweeper(TenancyStore& tenancy, EventLog& events, TrafficStats& traffic,
                   const Clock& clock, Options options);
  ~RetentionSweeper();

  void Start();
  // Finishes the batch under way, then joins the thread. Idempotent.
  void Stop();

  // One full pass over every organization; returns the events erased. (The thread's loop, and
  // tests that drive the sweeper directly.)
  std::int64_t SweepOnce();

 private:
  void Loop();
  bool stopping() const;
  std::vector<Organization> AllOrganizations();
  // EventLog::PrepareDays; a failure is logged (events still find a place).
  void PrepareDays();

  TenancyStore& tenancy_;
  EventLog& events_;
  TrafficStats& traffic_;
  const Clock& clock_;
  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rehook
