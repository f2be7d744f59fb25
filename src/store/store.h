#pragma once
// Store: everything rehook persists, behind one interface with a SQLite and a PostgreSQL
// implementation. Calls block; the server runs them on the store's own threads (StoreExecutor,
// BatchWriter) so io threads never wait on disk.
//
// Contract shared by all methods:
//  - Lookups scoped by org_id return nothing for another org's records (tenant isolation is
//    enforced here, not only in handlers).
//  - Failures of the database itself throw StoreError; "not found" is an empty optional/false.
//  - Ids and timestamps are chosen by the caller, so every implementation stores the same values.
//    An event's id is NewOrderedId("evt", received_at) (or NewId: see RequireIdCarriesTime):
//    ids of one millisecond sort in arrival order, so (received_at, id) is arrival order. The
//    SQLite store finds an event through the time its id carries and has no index on id.
//  - Every write except ApplyBatch is durable when the method returns.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/ids.h"
#include "domain/circuit.h"
#include "domain/delivery.h"
#include "domain/destination.h"
#include "domain/event.h"
#include "domain/replay.h"
#include "domain/source.h"
#include "domain/tenancy.h"
#include "store/queries.h"
#include "store/write_batch.h"

namespace rehook {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws StoreError unless the event's id carries its received_at (NewId("evt", received_at)).
inline void RequireIdCarriesTime(const Event& event) {
  if (IdTime(event.id, "evt") != event.received_at) {
    throw StoreError("event id " + event.id + " does not carry its received_at");
  }
}

class Store {
 public:
  virtual ~Store() = default;

  // True when the store answers a trivial query (used by /readyz).
  virtual bool Ping() = 0;

  // --- Organizations and keys -----------------------------------------------------------
  // Creates `org` and its first key in one transaction, but only when no organization exists
  // yet. Returns false (and writes nothing) when the store already has one.
  virtual bool BootstrapFirstOrganization(const Organization& org, const ApiKey& key) = 0;
  virtual void InsertOrganization(const Organization& org) = 0;
  virtual std::optional<Organization> GetOrganization(const std::string& org_id) = 0;
  virtual Page<Organization> ListOrganizations(const PageRequest& page) = 0;
  // Saves the name and retention of an existing organization; false when there is none.
  virtual bool UpdateOrganization(const Organization& org) = 0;

  virtual void InsertApiKey(const ApiKey& key) = 0;
  virtual std::optional<ApiKey> FindApiKeyByHash(const std::string& key_hash) = 0;
  virtual std::optional<ApiKey> GetApiKey(const std::string& org_id, const std::string& key_id) = 0;
  virtual Page<ApiKey> ListApiKeys(const std::string& org_id, const PageRequest& page) = 0;
  // Deletes the key and every session signed in with it.
  virtual bool DeleteApiKey(const std::string& org_id, const std::string& key_id) = 0;

  // Starts a session. Every expired session goes first, and so many of the key's oldest live
  // ones that, with the new one, at most `max_live_per_key` remain: sign-ins cannot pile up.
  virtual void InsertSession(const Session& session, int max_live_per_key) = 0;
  // The key behind a live session (expires_at > now), or nothing.
  virtual std::optional<ApiKey> FindSessionKey(const std::string& token_hash, TimeMs now) = 0;
  virtual void DeleteSession(const std::string& token_hash) = 0;

  // --- Sources ---------------------------------------------------------------------------
  virtual void InsertSource(const Source& source) = 0;
  virtual std::optional<Source> GetSource(const std::string& org_id, const std::string& id) = 0;
  // Looks a source up by id alone: capture knows only the id in the ingest URL.
  virtual std::optional<Source> FindSourceForCapture(const std::string& id) = 0;
  virtual Page<Source> ListSources(const std::string& org_id, const PageRequest& page) = 0;
  virtual bool UpdateSource(const Source& source) = 0;
  // Removes the source; its captured events stay (and stay replayable) until retention.
  virtual bool DeleteSource(const std::string& org_id, const std::string& id) = 0;

  // --- Group-committed writes ------------------------------------------------------------
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

  // --- Events ----------------------------------------------------------------------------
  virtual std::optional<Event> GetEvent(const std::string& org_id, const std::string& id,
                                        bool with_body) = 0;
  // Newest first (received_at desc, id desc); bodies are not loaded.
  virtual Page<Event> ListEvents(const EventQuery& query) = 0;

  // --- Erasure and retention -------------------------------------------------------------
  // Erases one event with everything recorded about it: pending deliveries, attempts, single
  // replays and its dedup key. False when the org has no such event.
  virtual bool DeleteEvent(const std::string& org_id, const std::string& id) = 0;
  // Erases up to `limit` of the org's events received before `cutoff`, oldest first, the same
  // way, in one short transaction; returns how many.
  virtual int DeleteEventsBefore(const std::string& org_id, TimeMs cutoff, int limit) = 0;
  // Removes up to `limit` dedup keys taken before `cutoff`; returns how many.
  virtual int DeleteDedupKeysBefore(TimeMs cutoff, int limit) = 0;
  // Gives the space of erased rows back to the file system where the store does not do so on
  // its own (a bounded step of SQLite's incremental vacuum).
  virtual void ReclaimSpace() = 0;

  // --- Destinations and connections ------------------------------------------------------
  virtual void InsertDestination(const Destination& destination) = 0;
  virtual std::optional<Destination> GetDestination(const std::string& org_id,
                                                    const std::string& id) = 0;
  virtual Page<Destination> ListDestinations(const std::string& org_id,
                                             const PageRequest& page) = 0;
  // Saves the destination; disabling it also removes its pending deliveries (in the same
  // transaction): its events stay, to be replayed once it is enabled again.
  virtual bool UpdateDestination(const Destination& destination) = 0;
  // Removes the destination with its connections and pending deliveries; the attempt log stays.
  virtual bool DeleteDestination(const std::string& org_id, const std::string& id) = 0;

  virtual void InsertConnection(const Connection& connection) = 0;
  virtual std::optional<Connection> GetConnection(const std::string& org_id,
                                                  const std::string& id) = 0;
  virtual Page<Connection> ListConnections(const std::string& org_id, const PageRequest& page) = 0;
  // Every connection of a source, enabled or not (routing at capture time).
  virtual std::vector<Connection> ListConnectionsOfSource(const std::string& source_id) = 0;
  virtual bool UpdateConnection(const Connection& connection) = 0;
  // Removes the connection and its pending deliveries.
  virtual bool DeleteConnection(const std::string& org_id, const std::string& id) = 0;

  // --- Delivery work ---------------------------------------------------------------------
  // Leases up to `limit` tasks that are due (next_attempt_at <= now) and not leased (or whose
  // lease has expired) to `owner` until `lease_until`, oldest due first, and returns them.
  virtual std::vector<DeliveryTask> ClaimDueTasks(TimeMs now, const std::string& owner,
                                                  TimeMs lease_until, int limit) = 0;
  // Frees the delivery task and replay job leases of `owner` (a node taking back what it held
  // before a restart).
  virtual void ReleaseLeases(const std::string& owner) = 0;
  virtual WorkCounts CountWork() = 0;
  // Attempts for one event, oldest first.
  virtual std::vector<DeliveryAttempt> ListAttemptsOfEvent(const std::string& org_id,
                                                           const std::string& event_id) = 0;

  // --- Replay ----------------------------------------------------------------------------
  // Events of `range`, oldest first (received_at, then id); bodies only when asked for.
  virtual std::vector<Event> ListEventsForReplay(const ReplayRange& range) = 0;

  virtual void InsertReplayJob(const ReplayJob& job) = 0;
  // The job, also when expired (callers decide what expiry means).
  virtual std::optional<ReplayJob> GetReplayJob(const std::string& org_id,
                                                const std::string& id) = 0;
  // The org's jobs that have not expired at `now`, newest first.
  virtual Page<ReplayJob> ListReplayJobs(const std::string& org_id, TimeMs now,
                                         const PageRequest& page) = 0;
  // Cancels a running or paused job; false when it had already ended (or does not exist).
  virtual bool CancelReplayJob(const std::string& org_id, const std::string& id, TimeMs now,
                               TimeMs expires_at) = 0;
  // Leases up to `limit` running or paused jobs that nobody holds (or whose lease lapsed).
  virtual std::vector<ReplayJob> ClaimReplayJobs(TimeMs now, const std::string& owner,
                                                 TimeMs lease_until, int limit) = 0;
  // Extends `owner`'s lease; returns the job's current state, or nullopt when the lease is
  // lost (another node took the job) or the job is gone.
  virtual std::optional<ReplayJob> RenewReplayLease(const std::string& id, const std::string& owner,
                                                    TimeMs lease_until) = 0;
  // The job's attempts, oldest first, optionally only those with one outcome.
  virtual Page<DeliveryAttempt> ListAttemptsOfJob(const std::string& org_id,
                                                  const std::string& job_id,
                                                  std::optional<ReplayOutcome> outcome,
                                                  const PageRequest& page) = 0;
  // For each of `event_ids` sent to `destination_id` before (by forwarding or by a replay job
  // other than `job_id`): whether the last of those attempts succeeded. Events never sent there
  // are absent. For a whole page of a replay job at once; each event's lookup stops at its latest
  // attempt that counts, however many jobs sent it before.
  virtual std::unordered_map<std::string, bool> LastResultsAtDestination(
      const std::string& org_id, const std::string& destination_id,
      const std::vector<std::string>& event_ids, const std::string& job_id) = 0;
  // Events the job has already made an attempt for (to skip them when it resumes).
  virtual std::vector<std::string> ListReplayedEventIds(const std::string& job_id) = 0;
  // Removes up to `limit` jobs expired at `now`; returns how many.
  virtual int DeleteExpiredReplayJobs(TimeMs now, int limit) = 0;

  virtual void InsertSingleReplay(const SingleReplay& replay) = 0;
  // Whether the last earlier send of the event to `url` succeeded: a single replay to that URL,
  // or an attempt to a destination that has that URL now. Nullopt when there was none.
  virtual std::optional<bool> LastResultAtUrl(const std::string& org_id,
                                              const std::string& event_id,
                                              const std::string& url) = 0;
  // Replays of one captured request, oldest first.
  virtual std::vector<SingleReplay> ListSingleReplays(const std::string& org_id,
                                                      const std::string& event_id) = 0;

  // --- Destination state shared by several nodes -----------------------------------------
  // Used when nodes share one database, so that a destination's rate limit and circuit hold
  // across all of them. Neither needs to survive a crash: no fsync is waited for.
  //
  // Reserves the next start of a delivery to a rate-limited destination: the later of `now`
  // and the slot after the previous reservation; reservations are `spacing_ms` apart.
  virtual TimeMs ReserveDeliverySlot(const std::string& destination_id, TimeMs now,
                                     TimeMs spacing_ms) = 0;
  // Folds `report` into the destination's circuit: its run of consecutive failures, opening it
  // for `cooldown_ms` once the run reaches `threshold` (a circuit already open stays as is; a
  // success with no failure after it closes it). Returns the circuit as it now stands.
  virtual CircuitRecord ReportCircuit(const CircuitReport& report, int threshold,
                                      TimeMs cooldown_ms, TimeMs now) = 0;
  // Circuits with failures counted, open or half-open.
  virtual std::vector<CircuitRecord> ListTroubledCircuits() = 0;
};

}  // namespace rehook
