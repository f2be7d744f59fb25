// Searching captured events through the real binary: `filter` (the filter language) and `q` (a
// body substring) on GET /v1/events and its aliases, newest first and paged, with the server's
// scan budget per call made tiny (--search-scan-events) so that short pages and the cursor that
// continues the scan are exercised on a few dozen events. Runs on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "support/api_helpers.h"
#include "support/rehook_process.h"

namespace rehook::testing {
namespace {

constexpr int kScanBudget = 7;

class SearchTest : public ::testing::Test {
 protected:
  SearchTest()
      : server_(RehookOptions{.args = {"--search-scan-events", std::to_string(kScanBudget),
                                       "--api-rate-limit", "10000", "--api-rate-burst", "10000"}}) {
    shop_ = CreateSource(admin_, "shop");
    other_ = CreateSource(admin_, "other");
    // 40 events, oldest first: every third from the "beta" shop, amounts 0..39, "needle" in the
    // body of every fifth; a few on another source that match everything.
    for (int n = 0; n < 40; ++n) {
      const std::string shop = n % 3 == 0 ? "beta" : "alpha";
      std::string body = R"({"type":"order.paid","amount":)" + std::to_string(n) +
                         (n % 5 == 0 ? R"(,"note":"a needle here"})" : "}");
      auto response = client_.Request("POST", "/in/" + shop_, body,
                                      {{"Content-Type", "application/json"}, {"X-Shop", shop}});
      EXPECT_EQ(response.status, 200) << response.body;
      newest_first_.insert(newest_first_.begin(), {JsonString(response.Json(), "id"), n});
      if (n % 10 == 0) {
        client_.Request("POST", "/in/" + other_, R"({"amount":99,"note":"needle"})",
                        {{"Content-Type", "application/json"}, {"X-Shop", "beta"}});
      }
    }
  }

  struct Walk {
    std::vector<std::string> ids;
    int pages = 0;
    int short_pages_with_cursor = 0;  // fewer than `limit` yet more to scan
  };

  // Follows next_cursor from the first page to the end of `path`?`query`.
  Walk WalkAll(const std::string& path, const std::string& query, int limit) {
    Walk walk;
    std::string cursor;
    for (int guard = 0; guard < 200; ++guard) {
      std::string target = path + "?limit=" + std::to_string(limit) + "&" + query;
      if (!cursor.empty()) target += "&cursor=" + UrlEncode(cursor);
      auto response = admin_.Get(target);
      EXPECT_EQ(response.status, 200) << target << ": " << response.body;
      if (response.status != 200) break;
      auto json = response.Json();
      ++walk.pages;
      const auto& data = json.at("data").as_array();
      EXPECT_LE(data.size(), static_cast<std::size_t>(limit));
      for (const auto& event : data) walk.ids.push_back(JsonString(event, "id"));
      if (json.at("next_cursor").is_null()) break;
      if (data.size() < static_cast<std::size_t>(limit)) ++walk.short_pages_with_cursor;
      cursor = std::string(json.at("next_cursor").as_string());
    }
    return walk;
  }

  // The shop's events (newest first) whose number passes `keep`.
  template <class Keep>
  std::vector<std::string> Expected(Keep keep) {
    std::vector<std::string> ids;
    for (const auto& [id, n] : newest_first_) {
      if (keep(n)) ids.push_back(id);
    }
    return ids;
  }

  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
  std::string shop_;
  std::string other_;
  std::vector<std::pair<std::string, int>> newest_first_;  // the shop's events: id, number
};

TEST_F(SearchTest, AHeaderFilterFindsExactlyItsEventsAcrossPagesNewestFirst) {
  const std::string filter = UrlEncode(R"({"headers":{"x-shop":"beta"}})");
  Walk walk = WalkAll("/v1/events", "source_id=" + shop_ + "&filter=" + filter, 4);
  EXPECT_EQ(walk.ids, Expected([](int n) { return n % 3 == 0; }));
  // 40 events at 7 a call: the scan takes at least 6 calls, some of them short.
  EXPECT_GE(walk.pages, 6);
  EXPECT_GT(walk.short_pages_with_cursor, 0);
}

TEST_F(SearchTest, ABodyFieldFilterAndASubstringSearchFindTheirEvents) {
  const std::string filter = UrlEncode(R"({"body":{"amount":{"$gte":30}}})");
  EXPECT_EQ(WalkAll("/v1/events", "source_id=" + shop_ + "&filter=" + filter, 3).ids,
            Expected([](int n) { return n >= 30; }));

  EXPECT_EQ(WalkAll("/v1/events", "source_id=" + shop_ + "&q=needle", 2).ids,
            Expected([](int n) { return n % 5 == 0; }));
  // Both at once: each must pass.
  EXPECT_EQ(WalkAll("/v1/events", "source_id=" + shop_ + "&q=needle&filter=" + filter, 10).ids,
            Expected([](int n) { return n % 5 == 0 && n >= 30; }));
  // Without a source, the other source's events match too.
  EXPECT_EQ(WalkAll("/v1/events", "q=needle", 50).ids.size(), 8u + 4u);
  // Nothing matches: the walk still ends, with every page empty.
  Walk none = WalkAll("/v1/events", "q=" + UrlEncode("no such text"), 5);
  EXPECT_TRUE(none.ids.empty());
  EXPECT_GE(none.pages, 6);
}

TEST_F(SearchTest, TheAliasesSearchTheSameWay) {
  const std::string filter = UrlEncode(R"({"headers":{"X-Shop":"beta"}})");
  const auto expected = Expected([](int n) { return n % 3 == 0; });
  EXPECT_EQ(WalkAll("/v1/requests", "source_id=" + shop_ + "&filter=" + filter, 5).ids, expected);
  EXPECT_EQ(WalkAll("/v1/endpoints/" + shop_ + "/requests", "filter=" + filter, 5).ids, expected);
}

TEST_F(SearchTest, AnInvalidFilterOrQueryIsRefusedNamingTheField) {
  auto expect_error = [&](const std::string& query, const std::string& mentions) {
    auto response = admin_.Get("/v1/events?" + query);
    EXPECT_EQ(response.status, 400) << query << ": " << response.body;
    EXPECT_EQ(response.ErrorCode(), "bad_request");
    EXPECT_NE(response.body.find(mentions), std::string::npos) << response.body;
  };
  expect_error("filter=" + UrlEncode(R"({"body":{"amount":{"$bogus":1}}})"), "'filter'");
  expect_error("filter=" + UrlEncode(R"({"body":{"amount":{"$bogus":1}}})"), "$bogus");
  expect_error("filter=" + UrlEncode("{not json"), "'filter'");
  expect_error("filter=" + UrlEncode(R"({"color":"red"})"), "'filter'");
  expect_error("q=" + std::string(1025, 'x'), "'q'");
  // The server keeps serving.
  EXPECT_EQ(admin_.Get("/v1/events?limit=1").status, 200);
}

}  // namespace
}  // namespace rehook::testing
