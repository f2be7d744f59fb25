#pragma once
// The store for several nodes: PostgreSQL through libpq. Calls block on their own connection from
// a pool (the server runs them on store threads, never on io threads). Every write commits
// before it returns with synchronous_commit on, so ApplyBatch is already durable and
// SyncBatches has nothing left to do; a batch goes to the server as one pipeline (one round
// trip, one transaction) however many events it holds. Claims of delivery tasks and replay jobs
// use FOR UPDATE SKIP LOCKED, so nodes sharing the database split the work.

#include <string>

#include "store/postgres/pg_pool.h"
#include "store/store.h"

namespace rehook {

// Until each role has its own implementation over a common SQL backend, one class plays them
// all and hands itself out as each.
class PgStore final : public Store,
                          public TenancyStore,
                          public ConfigurationStore,
                          public EventLog,
                          public WorkLeases,
                          public ReplayHistory,
                          public ClusterState {
 public:
  // Connects with `url` (postgres://...) and migrates the database to the latest schema.
  explicit PgStore(const std::string& url);

  bool Ping() override;
  TenancyStore& tenancy() override { return *this; }
  ConfigurationStore& configuration() override { return *this; }
  EventLog& events() override { return *this; }
  WorkLeases& work() override { return *this; }
  ReplayHistory& replays() override { return *this; }
  ClusterState& cluster() override { return *this; }

  bool BootstrapFirstOrganization(const Organization& org, const ApiKey& key) override;
  void InsertOrganization(const Organization& org) override;
  std::optional<Organization> GetOrganization(const std::string& org_id) override;
  Page<Organization> ListOrganizations(const PageRequest& page) override;
  bool UpdateOrganization(const Organization& org) override;

  void InsertApiKey(const ApiKey& key) override;
  std::optional<ApiKey> FindApiKeyByHash(const std::string& key_hash) override;
  std::optional<ApiKey> GetApiKey(const std::string& org_id, const std::string& key_id) override;
  Page<ApiKey> ListApiKeys(const std::string& org_id, const PageRequest& page) override;
  bool DeleteApiKey(const std::string& org_id, const std::string& key_id) override;

  void InsertSession(const Session& session, int max_live_per_key) override;
  std::optional<ApiKey> FindSessionKey(const std::string& token_hash, TimeMs now) override;
  void DeleteSession(const std::string& token_hash) override;

  void InsertSource(const Source& source) override;
  std::optional<Source> GetSource(const std::string& org_id, const std::string& id) override;
  std::optional<Source> FindSourceForCapture(const std::string& id) override;
  Page<Source> ListSources(const std::string& org_id, const PageRequest& page) override;
  bool UpdateSource(const Source& source) override;
  bool DeleteSource(const std::string& org_id, const std::string& id) override;

  BatchResult ApplyBatch(const WriteBatch& batch) override;
  void SyncBatches() override;

  std::optional<Event> GetEvent(const std::string& org_id, const std::string& id,
                                bool with_body) override;
  Page<Event> ListEvents(const EventQuery& query) override;
  bool DeleteEvent(const std::string& org_id, const std::string& id) override;
  int DeleteEventsBefore(const std::string& org_id, TimeMs cutoff, int limit) override;
  int DeleteDedupKeysBefore(TimeMs cutoff, int limit) override;
  void ReclaimSpace() override;

  void InsertDestination(const Destination& destination) override;
  std::optional<Destination> GetDestination(const std::string& org_id,
                                            const std::string& id) override;
  Page<Destination> ListDestinations(const std::string& org_id, const PageRequest& page) override;
  bool UpdateDestination(const Destination& destination) override;
  bool DeleteDestination(const std::string& org_id, const std::string& id) override;

  void InsertConnection(const Connection& connection) override;
  std::optional<Connection> GetConnection(const std::string& org_id,
                                          const std::string& id) override;
  Page<Connection> ListConnections(const std::string& org_id, const PageRequest& page) override;
  std::vector<Connection> ListConnectionsOfSource(const std::string& source_id) override;
  bool UpdateConnection(const Connection& connection) override;
  bool DeleteConnection(const std::string& org_id, const std::string& id) override;

  std::vector<DeliveryTask> ClaimDueTasks(TimeMs now, const std::string& owner, TimeMs lease_until,
                                          int limit) override;
  void ReleaseLeases(const std::string& owner) override;
  WorkCounts CountWork() override;
  std::vector<DeliveryAttempt> ListAttemptsOfEvent(const std::string& org_id,
                                                   const std::string& event_id) override;

  std::vector<Event> ListEventsForReplay(const ReplayRange& range) override;
  void InsertReplayJob(const ReplayJob& job) override;
  std::optional<ReplayJob> GetReplayJob(const std::string& org_id, const std::string& id) override;
  Page<ReplayJob> ListReplayJobs(const std::string& org_id, TimeMs now,
                                 const PageRequest& page) override;
  bool CancelReplayJob(const std::string& org_id, const std::string& id, TimeMs now,
                       TimeMs expires_at) override;
  std::vector<ReplayJob> ClaimReplayJobs(TimeMs now, const std::string& owner, TimeMs lease_until,
                                         int limit) override;
  std::optional<ReplayJob> RenewReplayLease(const std::string& id, const std::string& owner,
                                            TimeMs lease_until) override;
  Page<DeliveryAttempt> ListAttemptsOfJob(const std::string& org_id, const std::string& job_id,
                                          std::optional<ReplayOutcome> outcome,
                                          const PageRequest& page) override;
  std::unordered_map<std::string, bool> LastResultsAtDestination(
      const std::string& org_id, const std::string& destination_id,
      const std::vector<std::string>& event_ids, const std::string& job_id) override;
  std::vector<std::string> ListReplayedEventIds(const std::string& job_id) override;
  int DeleteExpiredReplayJobs(TimeMs now, int limit) override;
  void InsertSingleReplay(const SingleReplay& replay) override;
  std::optional<bool> LastResultAtUrl(const std::string& org_id, const std::string& event_id,
                                      const std::string& url) override;
  std::vector<SingleReplay> ListSingleReplays(const std::string& org_id,
                                              const std::string& event_id) override;

  TimeMs ReserveDeliverySlot(const std::string& destination_id, TimeMs now,
                             TimeMs spacing_ms) override;
  CircuitRecord ReportCircuit(const CircuitReport& report, int threshold, TimeMs cooldown_ms,
                              TimeMs now) override;
  std::vector<CircuitRecord> ListTroubledCircuits() override;

 private:
  pg::ConnectionPool pool_;
};

}  // namespace rehook
