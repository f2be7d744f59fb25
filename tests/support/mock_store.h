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
  MOCK_METHOD(void, InsertApiKey, (const ApiKey&), (override));
  MOCK_METHOD(std::optional<ApiKey>, FindApiKeyByHash, (const std::string&), (override));
  MOCK_METHOD(std::optional<ApiKey>, GetApiKey, (const std::string&, const std::string&),
              (override));
  MOCK_METHOD(Page<ApiKey>, ListApiKeys, (const std::string&, const PageRequest&), (override));
  MOCK_METHOD(bool, DeleteApiKey, (const std::string&, const std::string&), (override));
  MOCK_METHOD(void, InsertSession, (const Session&), (override));
  MOCK_METHOD(std::optional<ApiKey>, FindSessionKey, (const std::string&, TimeMs), (override));
  MOCK_METHOD(void, DeleteSession, (const std::string&), (override));
  MOCK_METHOD(void, InsertSource, (const Source&), (override));
  MOCK_METHOD(std::optional<Source>, GetSource, (const std::string&, const std::string&),
              (override));
  MOCK_METHOD(std::optional<Source>, FindSourceForCapture, (const std::string&), (override));
  MOCK_METHOD(Page<Source>, ListSources, (const std::string&, const PageRequest&), (override));
  MOCK_METHOD(bool, UpdateSource, (const Source&), (override));
  MOCK_METHOD(bool, DeleteSource, (const std::string&, const std::string&), (override));
  MOCK_METHOD(void, AppendEvents, (std::span<const Event>), (override));
  MOCK_METHOD(void, SyncAppends, (), (override));
  MOCK_METHOD(std::optional<Event>, GetEvent, (const std::string&, const std::string&, bool),
              (override));
  MOCK_METHOD(Page<Event>, ListEvents, (const EventQuery&), (override));
};

}  // namespace rehook::testing
