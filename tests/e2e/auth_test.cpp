// Keys, roles, organizations and sessions: 401/403/404 exactly as the contract says.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "support/api_helpers.h"
#include "support/rehook_process.h"

namespace rehook::testing {
namespace {

class AuthTest : public ::testing::Test {
 protected:
  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
};

TEST_F(AuthTest, FirstStartWritesTheAdminKeyPrivately) {
  struct stat info {};
  ASSERT_EQ(::stat((server_.data_dir() + "/admin.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  EXPECT_EQ(server_.admin_key().rfind("rhk_", 0), 0u);
  EXPECT_NE(server_.stdout_text().find(server_.admin_key()), std::string::npos);

  // A restart does not create another organization or print the key again.
  server_.Restart();
  EXPECT_EQ(server_.stdout_text().find("rhk_"), std::string::npos);
  auto me = server_.Admin().Get("/v1/auth/me");
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.Json().at("role").as_string(), "super_admin");
}

TEST_F(AuthTest, MissingOrInvalidCredentialsAre401) {
  HttpClient anonymous = server_.Client();
  for (const auto& headers :
       std::vector<std::vector<HeaderField>>{{},
                                             {{"X-API-Key", "rhk_wrong"}},
                                             {{"X-API-Key", ""}},
                                             {{"Authorization", "Bearer rhk_wrong"}},
                                             {{"Authorization", "Basic " + server_.admin_key()}},
                                             {{"Cookie", "rehook.session_token=forged"}}}) {
    auto response = anonymous.Get("/v1/sources", headers);
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(response.ErrorCode(), "unauthorized");
  }
  // Unknown paths do not reveal themselves to anonymous callers either.
  EXPECT_EQ(anonymous.Get("/v1/secret-admin-thing").status, 401);

  auto bearer = anonymous.Get("/v1/sources", {{"Authorization", "Bearer " + server_.admin_key()}});
  EXPECT_EQ(bearer.status, 200);
}

TEST_F(AuthTest, EachRoleGetsExactlyItsPermissions) {
  HttpClient viewer = server_.WithKey(CreateKey(admin_, "viewer"));
  HttpClient developer = server_.WithKey(CreateKey(admin_, "developer"));
  HttpClient admin = server_.WithKey(CreateKey(admin_, "admin"));

  // viewer: reads only.
  EXPECT_EQ(viewer.Get("/v1/sources").status, 200);
  auto denied = viewer.PostJson("/v1/sources", {{"name", "x"}});
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.ErrorCode(), "forbidden");
  EXPECT_EQ(viewer.Get("/v1/api-keys").status, 403);

  // developer: also writes resources, but no keys.
  std::string source = CreateSource(developer);
  EXPECT_EQ(viewer.Get("/v1/sources/" + source).status, 200);
  EXPECT_EQ(viewer.Delete("/v1/sources/" + source).status, 403);
  EXPECT_EQ(developer.PostJson("/v1/api-keys", {{"name", "k"}, {"role", "viewer"}}).status, 403);

  // admin: keys too, but not organizations, and never a role above its own.
  EXPECT_EQ(admin.PostJson("/v1/api-keys", {{"name", "k"}, {"role", "developer"}}).status, 201);
  EXPECT_EQ(admin.PostJson("/v1/api-keys", {{"name", "k"}, {"role", "super_admin"}}).status, 403);
  EXPECT_EQ(admin.Get("/v1/orgs").status, 403);
  EXPECT_EQ(admin.PostJson("/v1/orgs", {{"name", "x"}}).status, 403);

  // super_admin: organizations.
  EXPECT_EQ(admin_.PostJson("/v1/orgs", {{"name", "globex"}}).status, 201);
  EXPECT_EQ(admin_.Get("/v1/orgs").status, 200);
}

TEST_F(AuthTest, AnotherOrganizationsResourcesAreIndistinguishableFromMissingOnes) {
  auto org = admin_.PostJson("/v1/orgs", {{"name", "globex"}});
  ASSERT_EQ(org.status, 201);
  std::string org_id = JsonString(org.Json(), "id");
  HttpClient other = server_.WithKey(CreateKey(admin_, "admin", org_id));

  std::string mine = CreateSource(admin_);
  HttpClient client = server_.Client();
  std::string event = Capture(client, mine);

  for (const std::string& path :
       {"/v1/sources/" + mine, "/v1/endpoints/" + mine, "/v1/events/" + event,
        "/v1/endpoints/" + mine + "/requests", "/v1/endpoints/" + mine + "/requests/" + event}) {
    auto response = other.Get(path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_EQ(response.ErrorCode(), "not_found") << path;
  }
  EXPECT_EQ(other.PatchJson("/v1/sources/" + mine, {{"name", "pwned"}}).status, 404);
  EXPECT_EQ(other.Delete("/v1/sources/" + mine).status, 404);
  EXPECT_EQ(other.Get("/v1/events?source_id=" + mine).status, 404);
  EXPECT_TRUE(other.Get("/v1/events").Json().at("data").as_array().empty());
  EXPECT_TRUE(other.Get("/v1/sources").Json().at("data").as_array().empty());
  // Keys of the first organization are invisible too.
  auto my_keys = admin_.Get("/v1/api-keys").Json().at("data").as_array();
  for (const auto& key : my_keys) {
    EXPECT_EQ(other.Get("/v1/api-keys/" + JsonString(key, "id")).status, 404);
    EXPECT_EQ(other.Delete("/v1/api-keys/" + JsonString(key, "id")).status, 404);
  }
  // A non-super_admin cannot create keys in another organization.
  auto escalate =
      other.PostJson("/v1/api-keys", {{"name", "x"},
                                      {"role", "viewer"},
                                      {"org_id", JsonString(admin_.Get("/v1/org").Json(), "id")}});
  EXPECT_EQ(escalate.status, 404);
}

TEST_F(AuthTest, KeysAreListedWithoutSecretsAndDeletable) {
  auto created = admin_.PostJson("/v1/api-keys", {{"name", "ci"}, {"role", "developer"}});
  ASSERT_EQ(created.status, 201);
  auto key = created.Json();
  std::string secret = JsonString(key, "key");
  std::string id = JsonString(key, "id");
  EXPECT_EQ(secret.substr(0, 12), JsonString(key, "key_prefix"));

  auto list = admin_.Get("/v1/api-keys");
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  EXPECT_EQ(server_.WithKey(secret).Get("/v1/sources").status, 200);

  EXPECT_EQ(admin_.Delete("/v1/api-keys/" + id).status, 204);
  EXPECT_EQ(server_.WithKey(secret).Get("/v1/sources").status, 401);
  // A key cannot delete itself.
  std::string own_id = JsonString(admin_.Get("/v1/auth/me").Json(), "key_id");
  EXPECT_EQ(admin_.Delete("/v1/api-keys/" + own_id).status, 409);

  auto bad_role = admin_.PostJson("/v1/api-keys", {{"name", "x"}, {"role", "root"}});
  EXPECT_EQ(bad_role.status, 400);
  EXPECT_NE(bad_role.body.find("'role'"), std::string::npos);
}

TEST_F(AuthTest, SessionCookieSignsInAndOut) {
  HttpClient browser = server_.Client();
  auto bad = browser.PostJson("/v1/auth/login", {{"api_key", "rhk_nope"}});
  EXPECT_EQ(bad.status, 401);

  auto login = browser.PostJson("/v1/auth/login", {{"api_key", server_.admin_key()}});
  ASSERT_EQ(login.status, 200) << login.body;
  std::string cookie = login.Header("Set-Cookie").value_or("");
  EXPECT_NE(cookie.find("rehook.session_token="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  std::string token = cookie.substr(0, cookie.find(';'));

  EXPECT_EQ(browser.Get("/v1/sources", {{"Cookie", token}}).status, 200);
  EXPECT_EQ(browser.Request("POST", "/v1/auth/logout", "", {{"Cookie", token}}).status, 204);
  EXPECT_EQ(browser.Get("/v1/sources", {{"Cookie", token}}).status, 401);
}

TEST(AuthRateLimitTest, OverTheLimitIs429WithRetryAfter) {
  RehookProcess server(RehookOptions{{"--api-rate-limit", "1", "--api-rate-burst", "3"}});
  HttpClient admin = server.Admin();
  std::string source = CreateSource(admin);  // uses one token
  int allowed = 0;
  HttpResult limited;
  for (int i = 0; i < 10; ++i) {
    auto response = admin.Get("/v1/sources");
    if (response.status != 200) {
      limited = response;
      break;
    }
    ++allowed;
  }
  EXPECT_GE(allowed, 2);
  EXPECT_LE(allowed, 4);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.ErrorCode(), "rate_limited");
  ASSERT_TRUE(limited.Header("Retry-After"));
  EXPECT_GE(std::stoi(*limited.Header("Retry-After")), 1);

  // Capture is not an API call: the ingest URL keeps working while the key is limited.
  HttpClient client = server.Client();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(client.Request("POST", "/in/" + source, "{}").status, 200);
}

}  // namespace
}  // namespace rehook::testing
