// /v1/stats through the real binary: the per-minute series agrees with what was captured and
// delivered (and failed), per source and per destination, with response times; bad parameters
// are refused naming the field, and another organization's ids read as missing. Runs on SQLite
// and PostgreSQL.
#include <gtest/gtest.h>

#include "support/api_helpers.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"

namespace rehook::testing {
namespace {

struct Totals {
  std::int64_t captured = 0;
  std::int64_t delivered = 0;
  std::int64_t failed = 0;
  std::size_t timed_points = 0;  // points with a p50
};

class StatsTest : public ::testing::Test {
 protected:
  StatsTest() : server_(RehookOptions{.args = {"--allow-private-targets"}}) {}

  // The series of `query` (bucket=minute&...), summed.
  Totals Sum(const std::string& query) {
    auto response = admin_.Get("/v1/stats?bucket=minute" + query);
    EXPECT_EQ(response.status, 200) << response.body;
    Totals totals;
    const boost::json::value json = response.Json();
    for (const auto& point : json.at("data").as_array()) {
      totals.captured += point.at("captured").as_int64();
      totals.delivered += point.at("delivered").as_int64();
      totals.failed += point.at("failed").as_int64();
      if (!point.at("p50_ms").is_null()) {
        ++totals.timed_points;
        EXPECT_LE(point.at("p50_ms").as_int64(), point.at("p95_ms").as_int64()) << point;
      }
    }
    return totals;
  }

  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
};

TEST_F(StatsTest, TheSeriesCountsWhatWasCapturedDeliveredAndFailed) {
  SinkServer healthy, broken;
  broken.SetStatus(500);
  const std::string shop = CreateSource(admin_, "shop");
  const std::string quiet = CreateSource(admin_, "quiet");
  const std::string good = CreateDestination(admin_, healthy.url() + "/hook");
  // One attempt each: no retries to wait for.
  const std::string bad =
      CreateDestination(admin_, broken.url() + "/hook", {{"retry", {{"attempts", 1}}}});
  CreateConnection(admin_, shop, good);
  CreateConnection(admin_, shop, bad);
  // Four: the broken destination's circuit opens at the fifth consecutive failure.
  for (int i = 0; i < 4; ++i) Capture(client_, shop);
  Capture(client_, quiet);  // captured, routed nowhere
  ASSERT_TRUE(healthy.WaitForCount(4, std::chrono::seconds(10)));
  ASSERT_TRUE(broken.WaitForCount(4, std::chrono::seconds(10)));

  // Attempts are counted when they are logged, with the next group commit.
  Totals all;
  WaitUntil(
      [&] {
        all = Sum("");
        return all.delivered + all.failed >= 8;
      },
      std::chrono::seconds(10));
  EXPECT_EQ(all.captured, 5);
  EXPECT_EQ(all.delivered, 4);
  EXPECT_EQ(all.failed, 4);
  EXPECT_GE(all.timed_points, 1u);  // the sinks answered: response times are known

  Totals of_shop = Sum("&source_id=" + shop);
  EXPECT_EQ(of_shop.captured, 4);
  EXPECT_EQ(of_shop.delivered, 4);
  EXPECT_EQ(of_shop.failed, 4);
  Totals of_quiet = Sum("&source_id=" + quiet);
  EXPECT_EQ(of_quiet.captured, 1);
  EXPECT_EQ(of_quiet.delivered + of_quiet.failed, 0);
  Totals at_bad = Sum("&destination_id=" + bad);
  EXPECT_EQ(at_bad.captured, 4);  // routed to it
  EXPECT_EQ(at_bad.delivered, 0);
  EXPECT_EQ(at_bad.failed, 4);

  // The hourly series holds the same counts.
  auto hourly = admin_.Get("/v1/stats?bucket=hour");
  ASSERT_EQ(hourly.status, 200) << hourly.body;
  const boost::json::value hourly_json = hourly.Json();
  const auto& points = hourly_json.at("data").as_array();
  ASSERT_EQ(points.size(), 24u);  // the last day by default, the current hour last
  std::int64_t captured = 0;
  for (const auto& point : points) captured += point.at("captured").as_int64();
  EXPECT_EQ(captured, 5);
  EXPECT_EQ(points.back().at("captured").as_int64() + points[22].at("captured").as_int64(), 5);
}

TEST_F(StatsTest, BadParametersAreRefusedNamingTheField) {
  auto bucket = admin_.Get("/v1/stats?bucket=week");
  EXPECT_EQ(bucket.status, 400);
  EXPECT_NE(bucket.body.find("'bucket'"), std::string::npos) << bucket.body;
  auto from = admin_.Get("/v1/stats?bucket=minute&from=2020-01-01T00:00:00Z");
  EXPECT_EQ(from.status, 400);
  EXPECT_NE(from.body.find("'from'"), std::string::npos) << from.body;
  auto reversed = admin_.Get("/v1/stats?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z");
  EXPECT_EQ(reversed.status, 400);
  EXPECT_NE(reversed.body.find("'from'"), std::string::npos) << reversed.body;
  auto garbled = admin_.Get("/v1/stats?to=yesterday");
  EXPECT_EQ(garbled.status, 400);
  EXPECT_NE(garbled.body.find("'to'"), std::string::npos) << garbled.body;

  auto range =
      admin_.Get("/v1/stats?bucket=minute&from=2026-01-01T10:00:30Z&to=2026-01-01T10:04:00Z");
  ASSERT_EQ(range.status, 200) << range.body;
  const boost::json::value range_json = range.Json();
  const auto& points = range_json.at("data").as_array();
  ASSERT_EQ(points.size(), 5u);  // 10:00 to 10:04, whole minutes
  EXPECT_EQ(JsonString(points[0], "t"), "2026-01-01T10:00:00.000Z");
}

TEST_F(StatsTest, AnotherOrganizationsSourcesAndDestinationsReadAsMissing) {
  SinkServer sink;
  const std::string source = CreateSource(admin_, "mine");
  const std::string destination = CreateDestination(admin_, sink.url() + "/hook");
  Capture(client_, source);

  auto org = admin_.PostJson("/v1/orgs", {{"name", "other"}});
  ASSERT_EQ(org.status, 201) << org.body;
  HttpClient other = server_.WithKey(CreateKey(admin_, "admin", JsonString(org.Json(), "id")));
  EXPECT_EQ(other.Get("/v1/stats?source_id=" + source).status, 404);
  EXPECT_EQ(other.Get("/v1/stats?destination_id=" + destination).status, 404);
  auto theirs = other.Get("/v1/stats?bucket=minute");
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  const boost::json::value their_json = theirs.Json();
  for (const auto& point : their_json.at("data").as_array()) {
    EXPECT_EQ(point.at("captured").as_int64(), 0) << point;
  }
}

}  // namespace
}  // namespace rehook::testing
