#pragma once
// The fixture of the Store contract tests, shared by store_test.cpp and
// store_delivery_test.cpp, and the list of implementations they run against.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/ids.h"
#include "store/store.h"
#include "support/temp_dir.h"
#include "support/test_postgres.h"

namespace rehook {

// Where a test's store keeps its data: a temporary directory (SQLite) or a database of its own
// on the test cluster (PostgreSQL), both removed after the test.
struct StoreScratch {
  testing::TempDir dir;
  std::optional<testing::TestDatabase> database;
};

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<Store>(StoreScratch& scratch)> open;
};

// Test names show the implementation's name rather than the struct's bytes.
inline void PrintTo(const StoreFactory& factory, std::ostream* out) { *out << factory.name; }

class StoreTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    store_ = GetParam().open(scratch_);
    org_ = Organization{NewId("org", 1000), "acme", 30, 1000};
    store_->tenancy().InsertOrganization(org_);
  }

  Source MakeSource(const std::string& org_id, TimeMs at) {
    Source source{NewId("src", at), org_id, "s", "{}", at, at};
    store_->configuration().InsertSource(source);
    return source;
  }

  Event MakeEvent(const Source& source, TimeMs at, std::string body = "{}") {
    Event event;
    event.id = NewId("evt", at);
    event.org_id = source.org_id;
    event.source_id = source.id;
    event.received_at = at;
    event.method = "POST";
    event.path = "/hook";
    event.query = "a=1";
    event.headers = {{"Content-Type", "application/json"}, {"X-Dup", "1"}, {"X-Dup", "2"}};
    event.client_ip = "127.0.0.1";
    event.size = static_cast<std::int64_t>(body.size());
    event.body = std::move(body);
    return event;
  }

  void Append(const std::vector<Event>& events) {
    WriteBatch batch;
    for (const auto& event : events)
      batch.events.push_back({std::make_shared<Event>(event), {}, std::nullopt});
    store_->events().ApplyBatch(batch);
    store_->events().SyncBatches();
  }

  // Every event `query` lists, following its cursor page after page, in listing order.
  std::vector<Event> ListAll(EventQuery query) {
    std::vector<Event> seen;
    for (int pages = 0; pages < 1000; ++pages) {
      auto page = store_->events().ListEvents(query);
      seen.insert(seen.end(), page.items.begin(), page.items.end());
      if (!page.next) break;
      query.page.after = page.next;
    }
    return seen;
  }

  static std::vector<std::string> IdsOf(const std::vector<Event>& events) {
    std::vector<std::string> ids;
    for (const Event& event : events) ids.push_back(event.id);
    return ids;
  }

  StoreScratch scratch_;
  std::unique_ptr<Store> store_;
  Organization org_;
};

// Every Store implementation the contract tests run against.
std::vector<StoreFactory> AllStores();

}  // namespace rehook
