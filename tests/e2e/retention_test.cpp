// Erasure and retention through the real binary: DELETE /v1/events/{id} takes the event and
// everything about it (and, on SQLite, its body off the disk); the sweeper erases each
// organization's events once they are older than its retention_days, and only those.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "support/api_helpers.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"

namespace rehook::testing {
namespace {

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

// Whether any file of the data directory (database, WAL) contains `marker`.
bool DataDirContains(const std::string& dir, const std::string& marker) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream file(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (bytes.find(marker) != std::string::npos) return true;
  }
  return false;
}

TEST(EventErasureTest, DeleteErasesTheEventWithItsDeliveriesAndItsBodyFromDisk) {
  RehookProcess server(RehookOptions{{"--allow-private-targets"}});
  SinkServer sink;
  HttpClient admin = server.Admin();
  std::string source = CreateSource(admin);
  CreateConnection(admin, source, CreateDestination(admin, sink.url()));
  HttpClient client = server.Client();
  const std::string marker = "erase-me-4b1d2c3e9f";
  std::string doomed = Capture(client, source, R"({"customer":")" + marker + R"("})");
  std::string kept = Capture(client, source, R"({"customer":"someone else"})");
  ASSERT_TRUE(sink.WaitForCount(2, std::chrono::seconds(10)));

  HttpClient viewer = server.WithKey(CreateKey(admin, "viewer"));
  EXPECT_EQ(viewer.Delete("/v1/events/" + doomed).status, 403);
  EXPECT_EQ(admin.Delete("/v1/events/" + doomed).status, 204);
  EXPECT_EQ(admin.Get("/v1/events/" + doomed).status, 404);
  EXPECT_EQ(admin.Get("/v1/events/" + doomed + "/deliveries").status, 404);
  auto again = admin.Delete("/v1/requests/" + doomed);
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.ErrorCode(), "not_found");
  EXPECT_EQ(admin.Get("/v1/events/" + kept).status, 200);
  ASSERT_EQ(WaitForAttempts(admin, kept, 1).size(), 1u);

  if (EndToEndOnPostgres()) return;  // the disk check below reads SQLite's files
  // After a clean stop (which checkpoints the WAL), no file holds the erased body.
  ASSERT_EQ(server.Terminate(), 0);
  EXPECT_FALSE(DataDirContains(server.data_dir(), marker));
  EXPECT_TRUE(DataDirContains(server.data_dir(), "someone else"));  // the check can see bodies
}

TEST(RetentionTest, EventsOlderThanTheirOrganizationsRetentionAreErased) {
  RehookProcess server(RehookOptions{{"--retention-sweep-interval-ms", "200"}});
  HttpClient admin = server.Admin();  // the default organization keeps events 30 days
  auto org = admin.PostJson("/v1/orgs", {{"name", "short memory"}, {"retention_days", 1}});
  ASSERT_EQ(org.status, 201) << org.body;
  HttpClient short_lived = server.WithKey(CreateKey(admin, "admin", JsonString(org.Json(), "id")));

  HttpClient client = server.Client();
  std::string long_source = CreateSource(admin);
  std::string short_source = CreateSource(short_lived);
  std::string long_event = Capture(client, long_source);
  std::vector<std::string> short_events;
  for (int i = 0; i < 3; ++i) short_events.push_back(Capture(client, short_source));

  // Two days later: the one-day organization's events go, the 30-day one's stay.
  server.Restart(RehookOptions{{"--retention-sweep-interval-ms", "200", "--test-clock-offset-ms",
                                std::to_string(2 * kDayMs)}});
  auto listed = [&] { return short_lived.Get("/v1/events").Json().at("data").as_array().size(); };
  WaitUntil([&] { return listed() == 0; }, std::chrono::seconds(10),
            std::chrono::milliseconds(100));
  EXPECT_EQ(listed(), 0u);
  for (const std::string& id : short_events) {
    EXPECT_EQ(short_lived.Get("/v1/events/" + id).status, 404);
  }
  EXPECT_EQ(admin.Get("/v1/events/" + long_event).status, 200);
  // Capture goes on while the sweeper runs, and new events are kept.
  std::string fresh = Capture(client, short_source);
  // A window, not a wait: sweeps run within it, and the fresh event must survive them.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(short_lived.Get("/v1/events/" + fresh).status, 200);
}

TEST(RetentionTest, AShorterRetentionSetLaterErasesAtTheNextSweep) {
  RehookProcess server(RehookOptions{{"--retention-sweep-interval-ms", "200",
                                      "--test-clock-offset-ms=" + std::to_string(-3 * kDayMs)}});
  HttpClient admin = server.Admin();
  HttpClient client = server.Client();
  std::string source = CreateSource(admin);
  std::string old_event = Capture(client, source);  // three days ago, to the server's clock
  server.Restart(RehookOptions{{"--retention-sweep-interval-ms", "200"}});
  std::string new_event = Capture(client, source);
  std::string org_id = JsonString(admin.Get("/v1/org").Json(), "id");

  // Only a super admin changes an organization; bad values name the field.
  HttpClient org_admin = server.WithKey(CreateKey(admin, "admin"));
  EXPECT_EQ(org_admin.PatchJson("/v1/orgs/" + org_id, {{"retention_days", 2}}).status, 403);
  auto refused = admin.PatchJson("/v1/orgs/" + org_id, {{"retention_days", 0}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("'retention_days'"), std::string::npos) << refused.body;
  EXPECT_EQ(admin.PatchJson("/v1/orgs/org_0missing", {{"retention_days", 2}}).status, 404);
  EXPECT_EQ(admin.Get("/v1/events/" + old_event).status, 200);  // 30 days: kept so far

  auto changed = admin.PatchJson("/v1/orgs/" + org_id, {{"retention_days", 2}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.Json().at("retention_days").as_int64(), 2);
  EXPECT_EQ(admin.Get("/v1/org").Json().at("retention_days").as_int64(), 2);
  WaitUntil([&] { return admin.Get("/v1/events/" + old_event).status != 200; },
            std::chrono::seconds(10), std::chrono::milliseconds(100));
  EXPECT_EQ(admin.Get("/v1/events/" + old_event).status, 404);
  EXPECT_EQ(admin.Get("/v1/events/" + new_event).status, 200);
}

}  // namespace
}  // namespace rehook::testing
