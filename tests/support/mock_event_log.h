#pragma once
// A gmock EventLog, for tests of components that sit on top of the store's event log role (the
// group-commit writer).

#include <gmock/gmock.h>

#include "store/roles/event_log.h"
#include "store/roles/store_error.h"

namespace rehook::testing {

class MockEventLog : public EventLog {
 public:
  MOCK_METHOD(BatchResult, ApplyBatch, (const WriteBatch&), (override));
  MOCK_METHOD(void, SyncBatches, (), (override));
  MOCK_METHOD(std::optional<Event>, GetEvent, (const std::string&, const std::string&, bool),
              (override));
  MOCK_METHOD(Page<Event>, ListEvents, (const EventQuery&), (override));
  MOCK_METHOD(std::vector<Event>, ListEventsForReplay, (const ReplayRange&), (override));
  MOCK_METHOD(std::vector<CommittedEvent>, ListCommittedAfter, (const CommittedQuery&), (override));
  MOCK_METHOD(std::optional<CommitPosition>, PositionOf, (const std::string&, const std::string&),
              (override));
  MOCK_METHOD(CommitPosition, LatestPosition, (), (override));
  MOCK_METHOD(std::vector<DeliveryAttempt>, ListAttemptsOfEvent,
              (const std::string&, const std::string&), (override));
  using Standings = std::unordered_map<std::string, DeliveryStanding>;
  MOCK_METHOD(Standings, StandingsAtDestination,
              (const std::string&, const std::string&, const std::vector<std::string>&),
              (override));
  MOCK_METHOD(bool, DeleteEvent, (const std::string&, const std::string&), (override));
  MOCK_METHOD(int, DeleteEventsBefore, (const std::string&, TimeMs, int), (override));
  MOCK_METHOD(TimeMs, ErasureCutoff, (TimeMs), (override));
  using Cutoffs = std::unordered_map<std::string, TimeMs>;
  MOCK_METHOD(std::int64_t, DropExpiredDays, (const Cutoffs&), (override));
  MOCK_METHOD(void, PrepareDays, (TimeMs), (override));
  MOCK_METHOD(int, DeleteDedupKeysBefore, (TimeMs, int), (override));
  MOCK_METHOD(void, ReclaimSpace, (), (override));
};

}  // namespace rehook::testing
