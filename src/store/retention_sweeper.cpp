#include "store/retention_sweeper.h"

#include <chrono>
#include <string>
#include <unordered_map>

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
  PrepareDays();  // before the first capture, rather than a sweep interval after it
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

std::vector<Organization> RetentionSweeper::AllOrganizations() {
  std::vector<Organization> all;
  PageRequest page;
  page.limit = 100;
  for (;;) {
    Page<Organization> orgs = tenancy_.ListOrganizations(page);
    for (Organization& org : orgs.items) all.push_back(std::move(org));
    if (!orgs.next) return all;
    page.after = orgs.next;
  }
}

void RetentionSweeper::PrepareDays() {
  try {
    events_.PrepareDays(clock_.Now());
  } catch (const std::exception& e) {
    log::Error("retention.days_not_prepared", {{"error", e.what()}});
  }
}

std::int64_t RetentionSweeper::SweepOnce() {
  const TimeMs now = clock_.Now();
  PrepareDays();
  const std::vector<Organization> orgs = AllOrganizations();
  std::int64_t erased = 0;
  auto cutoff_of = [&](const Organization& org) { return now - org.retention_days * kDayMs; };
  // Whole days first: those holding only events past their organization's retention. What is
  // left past a retention goes by row, up to the start of its day.
  std::unordered_map<std::string, TimeMs> cutoff_by_org;
  for (const Organization& org : orgs) cutoff_by_org.emplace(org.id, cutoff_of(org));
  erased += events_.DropExpiredDays(cutoff_by_org);
  for (const Organization& org : orgs) {
    const TimeMs cutoff = cutoff_of(org);
    const TimeMs erase_before = events_.ErasureCutoff(cutoff);
    for (;;) {
      if (stopping()) return erased;
      int removed = events_.DeleteEventsBefore(org.id, erase_before, options_.batch_size);
      erased += removed;
      if (removed < options_.batch_size) break;
    }
    while (!stopping() && traffic_.DeleteTrafficBefore(org.id, cutoff, options_.batch_size) > 0) {
    }
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
