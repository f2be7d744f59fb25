#pragma once
// A gmock Store, for tests of components that sit on top of the Store interface.

#include <gmock/gmock.h>

#include "store/store.h"

namespace rehook::testing {

class MockStore : public Store {
 public:
  MOCK_METHOD(bool, Ping, (), (override));
  MOCK_METHOD(bool, BootstrapFirstOrganization, (const Organization&, const ApiKey&), (override));
  MOCK_METHOD(void, InsertOrganization, (const Organization&), (override));
  MOCK_METHOD(std::optional<Organization>, GetOrganization, (const std::string&), (override));
  MOCK_METHOD(Page<Organization>, ListOrganizations, (const PageRequest&), (override));
  MOCK_METHOD(bool, UpdateOrganization, (const Organization&), (override));
  MOCK_METHOD(void, InsertApiKey, (const ApiKey&), (override));
  MOCK_METHOD(std::optional<ApiKey>, FindApiKeyByHash, (const std::string&), (override));
  MOCK_METHOD(std::optional<ApiKey>, GetApiKey, (const std::string&, const std::string&),
              (override));
  MOCK_METHOD(Page<ApiKey>, ListApiKeys, (const std::string&, const PageRequest&), (override));
  MOCK_METHOD(bool, DeleteApiKey, (const std::string&, const std::string&), (override));
  MOCK_METHOD(void, InsertSession, (const Session&, int), (override));
  MOCK_METHOD(std::optional<ApiKey>, FindSessionKey, (const std::string&, TimeMs), (override));
  MOCK_METHOD(void, DeleteSession, (const std::string&), (override));
  MOCK_METHOD(void, InsertSource, (const Source&), (override));
  MOCK_METHOD(std::optional<Source>, GetSource, (const std::string&, const std::string&),
              (override));
  MOCK_METHOD(std::optional<Source>, FindSourceForCapture, (const std::string&), (override));
  MOCK_METHOD(Page<Source>, ListSources, (const std::string&, const PageRequest&), (override));
  MOCK_METHOD(bool, UpdateSource, (const Source&), (override));
  MOCK_METHOD(bool, DeleteSource, (const std::string&, const std::string&), (override));
  MOCK_METHOD(BatchResult, ApplyBatch, (const WriteBatch&), (override));
  MOCK_METHOD(void, SyncBatches, (), (override));
  MOCK_METHOD(std::optional<Event>, GetEvent, (const std::string&, const std::string&, bool),
              (override));
  MOCK_METHOD(Page<Event>, ListEvents, (const EventQuery&), (override));
  MOCK_METHOD(bool, DeleteEvent, (const std::string&, const std::string&), (override));
  MOCK_METHOD(int, DeleteEventsBefore, (const std::string&, TimeMs, int), (override));
  MOCK_METHOD(int, DeleteDedupKeysBefore, (TimeMs, int), (override));
  MOCK_METHOD(void, ReclaimSpace, (), (override));
  MOCK_METHOD(void, InsertDestination, (const Destination&), (override));
  MOCK_METHOD(std::optional<Destination>, GetDestination, (const std::string&, const std::string&),
              (override));
  MOCK_METHOD(Page<Destination>, ListDestinations, (const std::string&, const PageRequest&),
              (override));
  MOCK_METHOD(bool, UpdateDestination, (const Destination&), (override));
  MOCK_METHOD(bool, DeleteDestination, (const std::string&, const std::string&), (override));
  MOCK_METHOD(void, InsertConnection, (const Connection&), (override));
  MOCK_METHOD(std::optional<Connection>, GetConnection, (const std::string&, const std::string&),
              (override));
  MOCK_METHOD(Page<Connection>, ListConnections, (const std::string&, const PageRequest&),
              (override));
  MOCK_METHOD(std::vector<Connection>, ListConnectionsOfSource, (const std::string&), (override));
  MOCK_METHOD(bool, UpdateConnection, (const Connection&), (override));
  MOCK_METHOD(bool, DeleteConnection, (const std::string&, const std::string&), (override));
  MOCK_METHOD(std::vector<DeliveryTask>, ClaimDueTasks, (TimeMs, const std::string&, TimeMs, int),
              (override));
  MOCK_METHOD(void, ReleaseLeases, (const std::string&), (override));
  MOCK_METHOD(WorkCounts, CountWork, (), (override));
  MOCK_METHOD(std::vector<DeliveryAttempt>, ListAttemptsOfEvent,
              (const std::string&, const std::string&), (override));
  MOCK_METHOD(std::vector<Event>, ListEventsForReplay, (const ReplayRange&), (override));
  MOCK_METHOD(void, InsertReplayJob, (const ReplayJob&), (override));
  MOCK_METHOD(std::optional<ReplayJob>, GetReplayJob, (const std::string&, const std::string&),
              (override));
  MOCK_METHOD(Page<ReplayJob>, ListReplayJobs, (const std::string&, TimeMs, const PageRequest&),
              (override));
  MOCK_METHOD(bool, CancelReplayJob, (const std::string&, const std::string&, TimeMs, TimeMs),
              (override));
  MOCK_METHOD(std::vector<ReplayJob>, ClaimReplayJobs, (TimeMs, const std::string&, TimeMs, int),
              (override));
  MOCK_METHOD(std::optional<ReplayJob>, RenewReplayLease,
              (const std::string&, const std::string&, TimeMs), (override));
  MOCK_METHOD(Page<DeliveryAttempt>, ListAttemptsOfJob,
              (const std::string&, const std::string&, std::optional<ReplayOutcome>,
               const PageRequest&),
              (override));
  using LastResults = std::unordered_map<std::string, bool>;
  MOCK_METHOD(LastResults, LastResultsAtDestination,
              (const std::string&, const std::string&, const std::vector<std::string>&,
               const std::string&),
              (override));
  MOCK_METHOD(std::vector<std::string>, ListReplayedEventIds, (const std::string&), (override));
  MOCK_METHOD(int, DeleteExpiredReplayJobs, (TimeMs, int), (override));
  MOCK_METHOD(void, InsertSingleReplay, (const SingleReplay&), (override));
  MOCK_METHOD(std::optional<bool>, LastResultAtUrl,
              (const std::string&, const std::string&, const std::string&), (override));
  MOCK_METHOD(std::vector<SingleReplay>, ListSingleReplays,
              (const std::string&, const std::string&), (override));
  MOCK_METHOD(TimeMs, ReserveDeliverySlot, (const std::string&, TimeMs, TimeMs), (override));
  MOCK_METHOD(CircuitRecord, ReportCircuit, (const CircuitReport&, int, TimeMs, TimeMs),
              (override));
  MOCK_METHOD(std::vector<CircuitRecord>, ListTroubledCircuits, (), (override));
};

}  // namespace rehook::testing
