// CSRF protection of the dashboard's session cookie (http/cross_origin_guard.h): writes a
// browser makes for another origin are refused; same-origin writes, reads, clients that are not
// browsers and API keys are not affected.
#include <gtest/gtest.h>

#include "support/api_helpers.h"
#include "support/rehook_process.h"

namespace rehook::testing {
namespace {

class SessionCsrfTest : public ::testing::Test {
 protected:
  SessionCsrfTest() {
    auto login = browser_.PostJson("/v1/auth/login", {{"api_key", server_.admin_key()}});
    EXPECT_EQ(login.status, 200) << login.body;
    std::string cookie = login.Header("Set-Cookie").value_or("");
    cookie_ = cookie.substr(0, cookie.find(';'));
  }

  HttpResult CreateSourceWith(std::vector<HeaderField> headers) {
    return browser_.Request("POST", "/v1/sources", R"({"name":"s"})", std::move(headers));
  }

  RehookProcess server_;
  HttpClient browser_ = server_.Client();
  std::string cookie_;
  std::string origin_ = "http://127.0.0.1:" + std::to_string(server_.port());
};

TEST_F(SessionCsrfTest, SameOriginWritesAndNonBrowserClientsPass) {
  EXPECT_EQ(CreateSourceWith({{"Cookie", cookie_}, {"Sec-Fetch-Site", "same-origin"}}).status, 201);
  EXPECT_EQ(CreateSourceWith({{"Cookie", cookie_}, {"Origin", origin_}}).status, 201);
  EXPECT_EQ(CreateSourceWith({{"Cookie", cookie_}}).status, 201);  // curl with a cookie jar
}

TEST_F(SessionCsrfTest, CrossOriginWritesWithTheCookieAre403) {
  for (auto headers : std::vector<std::vector<HeaderField>>{
           {{"Sec-Fetch-Site", "cross-site"}},
           {{"Sec-Fetch-Site", "same-site"}},  // a sibling subdomain is another origin
           {{"Origin", "http://evil.example"}},
           {{"Origin", "null"}},
       }) {
    headers.push_back({"Cookie", cookie_});
    auto response = CreateSourceWith(headers);
    EXPECT_EQ(response.status, 403) << headers.front().name << ": " << headers.front().value;
    EXPECT_EQ(response.ErrorCode(), "forbidden");
  }
  EXPECT_EQ(browser_
                .Request("POST", "/v1/auth/logout", "",
                         {{"Cookie", cookie_}, {"Sec-Fetch-Site", "cross-site"}})
                .status,
            403);
  EXPECT_EQ(browser_.Get("/v1/sources", {{"Cookie", cookie_}}).status, 200);  // still signed in
}

TEST_F(SessionCsrfTest, ReadsAndApiKeysAreNotAffected) {
  EXPECT_EQ(
      browser_.Get("/v1/sources", {{"Cookie", cookie_}, {"Sec-Fetch-Site", "cross-site"}}).status,
      200);
  HttpClient admin = server_.Admin();
  EXPECT_EQ(admin
                .Request("POST", "/v1/sources", R"({"name":"s"})",
                         {{"Sec-Fetch-Site", "cross-site"}, {"Origin", "http://evil.example"}})
                .status,
            201);
}

TEST_F(SessionCsrfTest, AnotherSiteCannotSignTheBrowserIn) {
  auto login =
      browser_.Request("POST", "/v1/auth/login", R"({"api_key":")" + server_.admin_key() + R"("})",
                       {{"Sec-Fetch-Site", "cross-site"}});
  EXPECT_EQ(login.status, 403);
  EXPECT_FALSE(login.Header("Set-Cookie").has_value());
}

}  // namespace
}  // namespace rehook::testing
