// The dashboard as the server delivers it: the embedded files with their content types and
// security headers, revalidation, and that it never shadows the API, capture or health paths.
// (What the dashboard does in a browser is tests/browser/dashboard.test.mjs.)
#include <gtest/gtest.h>

#include "support/api_helpers.h"
#include "support/rehook_process.h"

namespace rehook::testing {
namespace {

void ExpectSecurityHeaders(const HttpResult& response) {
  auto csp = response.Header("Content-Security-Policy").value_or("");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(response.Header("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_EQ(response.Header("X-Frame-Options").value_or(""), "DENY");
  EXPECT_EQ(response.Header("Cache-Control").value_or(""), "no-cache");
  EXPECT_FALSE(response.Header("ETag").value_or("").empty());
}

TEST(DashboardTest, RootServesTheAppWithItsSecurityHeaders) {
  RehookProcess server;
  auto page = server.Client().Get("/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("Content-Type").value_or(""), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<script type=\"module\" src=\"/assets/js/main.js\">"),
            std::string::npos);
  ExpectSecurityHeaders(page);
}

TEST(DashboardTest, AssetsHaveTheirContentTypes) {
  RehookProcess server;
  HttpClient client = server.Client();
  auto script = client.Get("/assets/js/main.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.Header("Content-Type").value_or(""), "text/javascript; charset=utf-8");
  ExpectSecurityHeaders(script);
  auto style = client.Get("/assets/app.css");
  ASSERT_EQ(style.status, 200);
  EXPECT_EQ(style.Header("Content-Type").value_or(""), "text/css; charset=utf-8");
  auto icon = client.Get("/assets/favicon.svg");
  ASSERT_EQ(icon.status, 200);
  EXPECT_EQ(icon.Header("Content-Type").value_or(""), "image/svg+xml");
}

TEST(DashboardTest, RevalidatesWithTheETag) {
  RehookProcess server;
  HttpClient client = server.Client();
  auto first = client.Get("/assets/js/main.js");
  std::string etag = first.Header("ETag").value_or("");
  ASSERT_FALSE(etag.empty());
  auto again = client.Get("/assets/js/main.js", {{"If-None-Match", "\"other\", " + etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.Header("ETag").value_or(""), etag);
  EXPECT_EQ(client.Get("/assets/js/main.js", {{"If-None-Match", "\"other\""}}).status, 200);
}

TEST(DashboardTest, HeadHasNoBodyAndWritesAreRefused) {
  RehookProcess server;
  std::string head =
      RawExchange(server.port(), "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  EXPECT_EQ(head.substr(head.find("\r\n\r\n") + 4), "");
  auto post = server.Client().Request("POST", "/", "x");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.Header("Allow").value_or(""), "GET, HEAD");
  EXPECT_EQ(post.ErrorCode(), "method_not_allowed");
}

TEST(DashboardTest, NeverShadowsTheApiCaptureOrHealthPaths) {
  RehookProcess server;
  HttpClient client = server.Client();
  EXPECT_EQ(client.Get("/v1/sources").status, 401);  // still the API, still needs a key
  EXPECT_EQ(client.Get("/v1").status, 401);
  EXPECT_EQ(client.Get("/healthz").Json().at("status").as_string(), "ok");
  EXPECT_EQ(client.Get("/readyz").status, 200);
  EXPECT_EQ(client.Request("POST", "/in/src_unknown", "{}").ErrorCode(), "not_found");
  // Unknown paths, dashboard-looking or not, keep the JSON 404 of API.md.
  for (std::string path : {"/index.html", "/assets/nope.js", "/assets/", "/events", "/metrics-x"}) {
    auto response = client.Get(path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(response.ErrorCode(), "not_found") << path;
  }
}

}  // namespace
}  // namespace rehook::testing
