#pragma once
// Store role: the captured events and what was done with them — group-committed batches (new
// events, their delivery tasks, attempts), reads, and erasure (one event, or by age).
//
// An event's id is NewOrderedId("evt", received_at) (or NewId: see RequireIdCarriesTime): ids
// of one millisecond sort in arrival order, so (received_at, id) is arrival order. The SQLite
// store finds an event through the time its id carries and has no index on id.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/delivery.h"
#include "domain/event.h"
#include "store/queries.h"
#include "store/write_batch.h"

namespace rehook {

class EventLog {
 public:
  virtual ~EventLog() = default;

  // Applies the whole batch in one transaction (all or nothing). The writes are visible to
  // reads at once, but only guaranteed to survive a crash or power loss once SyncBatches() has
  // returned. Splitting the two lets the group-commit writer insert the next batch while the
  // previous one is being fsync'd (see BatchWriter). A TaskUpdate for a task that no longer
  // exists (its connection was deleted meanwhile) only logs its attempt. An event with a dedup
  // claim is stored only when its key is free (see NewEvent::DedupClaim); the result says which
  // events were dropped as duplicates.
  virtual BatchResult ApplyBatch(const WriteBatch& batch) = 0;
  // Returns once every batch applied before the call is durable. Throws StoreError if that
  // cannot be guaranteed (a failed fsync), and keeps throwing afterwards.
  virtual void SyncBatches() = 0;

  virtual std::optional<Event> GetEvent(const std::string& org_id, const std::string& id,
                                        bool with_body) = 0;
  // Newest first (received_at desc, id desc); bodies are not loaded.
  virtual Page<Event> ListEvents(const EventQuery& query) = 0;
  // Events of `range`, oldest first (received_at, then id); bodies only when asked for. With
  // `range.failed_at`, only those whose latest attempt there failed, read from that side.
  virtual std::vector<Event> ListEventsForReplay(const ReplayRange& range) = 0;
  // Settled events after `query.after`, in commit order (see CommitPosition). SQLite may show
  // a commit before its fsync: act on what this returns only after BatchWriter::WhenDurable.
  virtual std::vector<CommittedEvent> ListCommittedAfter(const CommittedQuery& query) = 0;
  // Where one of the org's events stands in commit order; nullopt when it has no such event.
  virtual std::optional<CommitPosition> PositionOf(const std::string& org_id,
                                                   const std::string& id) = 0;
  // A position after every settled commit and before any later one: where a stream begins.
  virtual CommitPosition LatestPosition() = 0;
  // Attempts for one event, oldest first.
  virtual std::vector<DeliveryAttempt> ListAttemptsOfEvent(const std::string& org_id,
                                                           const std::string& event_id) = 0;

  // How each of `event_ids` stands at `destination_id` (every kind of attempt counted); events
  // never attempted there are absent. One indexed step per event (delivery_standings), for a
  // page of a failed-only or undelivered-only replay at once.
  virtual std::unordered_map<std::string, DeliveryStanding> StandingsAtDestination(
      const std::string& org_id, const std::string& destination_id,
      const std::vector<std::string>& event_ids) = 0;

  // Erases one event with everything recorded about it: pending deliveries, attempts, single
  // replays and its dedup key. False when the org has no such event.
  virtual bool DeleteEvent(const std::string& org_id, const std::string& id) = 0;
  // Erases up to `limit` of the org's events received before `cutoff`, oldest first, the same
  // way, in one short transaction; returns how many.
  virtual int DeleteEventsBefore(const std::string& org_id, TimeMs cutoff, int limit) = 0;
  // Retention by whole days, where the store keeps events that way (PostgreSQL: a partition of
  // events, attempts and standings per UTC day of received_at), so that old days go without
  // per-row work. Elsewhere (SQLite) the cutoff stays as it is and the rest does nothing.
  // The cutoff retention erases before, for events older than `cutoff`: the start of the day it
  // falls in, so that row erasure never nibbles at a day that is to go whole. (Events are kept
  // up to a day longer than their retention.)
  virtual TimeMs ErasureCutoff(TimeMs cutoff) = 0;
  // Drops the days that hold only expired events: every organization with events in the day
  // has its cutoff (`cutoff_by_org`: its events received before it have passed their
  // retention) at or after the day's end; an organization missing from the map keeps its days.
  // Everything recorded about their events goes with them, in one short transaction; returns
  // the events they held. One organization's long retention keeps only the days it has events
  // in.
  virtual std::int64_t DropExpiredDays(
      const std::unordered_map<std::string, TimeMs>& cutoff_by_org) = 0;
  // Makes the day of `now` and the next ones ready ahead of their events. An event of a day not
  // made is stored all the same, only not in a day of its own.
  virtual void PrepareDays(TimeMs now) = 0;
  // Removes up to `limit` dedup keys taken before `cutoff`; returns how many.
  virtual int DeleteDedupKeysBefore(TimeMs cutoff, int limit) = 0;
  // Gives the space of erased rows back to the file system where the store does not do so on
  // its own (a bounded step of SQLite's incremental vacuum).
  virtual void ReclaimSpace() = 0;
};

}  // namespace rehook
