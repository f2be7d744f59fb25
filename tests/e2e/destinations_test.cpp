// Destinations and connections through the real binary: validation, SSRF refusals, isolation.
#include <gtest/gtest.h>

#include "support/api_helpers.h"
#include "support/rehook_process.h"

namespace rehook::testing {
namespace {

class DestinationsTest : public ::testing::Test {
 protected:
  void ExpectBadRequest(const HttpResult& response, const std::string& mentions) {
    EXPECT_EQ(response.status, 400) << response.body;
    EXPECT_EQ(response.ErrorCode(), "bad_request");
    EXPECT_NE(response.body.find(mentions), std::string::npos)
        << "should mention " << mentions << ": " << response.body;
  }

  RehookProcess server_;  // no --allow-private-targets: the SSRF guard is on
  HttpClient admin_ = server_.Admin();
};

TEST_F(DestinationsTest, CreateShowUpdateDelete) {
  auto created =
      admin_.PostJson("/v1/destinations", {{"name", "orders"},
                                           {"url", "https://93.184.216.34/hooks?team=a"},
                                           {"timeout_ms", 5000},
                                           {"headers", {{"Authorization", "Bearer xyz"}}},
                                           {"secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
                                           {"rate_limit", 25}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto destination = created.Json();
  std::string id = JsonString(destination, "id");
  EXPECT_EQ(id.rfind("dst_", 0), 0u);
  EXPECT_EQ(destination.at("timeout_ms").as_int64(), 5000);
  EXPECT_EQ(destination.at("rate_limit").as_int64(), 25);
  EXPECT_EQ(destination.at("headers").at("Authorization").as_string(), "Bearer xyz");
  EXPECT_TRUE(destination.at("has_secret").as_bool());
  EXPECT_EQ(created.body.find("whsec_"), std::string::npos);  // never echoed
  EXPECT_EQ(destination.at("circuit").at("state").as_string(), "closed");
  EXPECT_EQ(destination.at("circuit").at("failures").as_int64(), 0);

  auto patched = admin_.PatchJson("/v1/destinations/" + id,
                                  {{"rate_limit", nullptr}, {"secret", ""}, {"name", "orders v2"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(patched.Json().at("rate_limit").is_null());
  EXPECT_FALSE(patched.Json().at("has_secret").as_bool());
  EXPECT_EQ(admin_.Get("/v1/destinations/" + id).Json().at("name").as_string(), "orders v2");
  EXPECT_EQ(admin_.Get("/v1/destinations").Json().at("data").as_array().size(), 1u);

  EXPECT_EQ(admin_.Delete("/v1/destinations/" + id).status, 204);
  EXPECT_EQ(admin_.Get("/v1/destinations/" + id).status, 404);
}

TEST_F(DestinationsTest, ARetryPolicyIsKeptShownAndRemovedWithNull) {
  auto created = admin_.PostJson(
      "/v1/destinations",
      {{"name", "orders"}, {"url", "https://93.184.216.34/"}, {"retry", {{"attempts", 3}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = JsonString(created.Json(), "id");
  // Omitted fields take the documented defaults.
  EXPECT_EQ(
      created.Json().at("retry"),
      boost::json::value({{"attempts", 3}, {"backoff", "exponential"}, {"interval_ms", 30000}}));

  auto patched = admin_.PatchJson(
      "/v1/destinations/" + id,
      {{"retry", {{"attempts", 20}, {"backoff", "linear"}, {"interval_ms", 100}}}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(admin_.Get("/v1/destinations/" + id).Json().at("retry"),
            boost::json::value({{"attempts", 20}, {"backoff", "linear"}, {"interval_ms", 100}}));
  // Other changes leave the policy alone.
  ASSERT_EQ(admin_.PatchJson("/v1/destinations/" + id, {{"name", "orders v2"}}).status, 200);
  EXPECT_EQ(admin_.Get("/v1/destinations/" + id).Json().at("retry").at("attempts"), 20);

  ASSERT_EQ(admin_.PatchJson("/v1/destinations/" + id, {{"retry", nullptr}}).status, 200);
  EXPECT_TRUE(admin_.Get("/v1/destinations/" + id).Json().at("retry").is_null());
}

TEST_F(DestinationsTest, ValidationNamesTheField) {
  ExpectBadRequest(admin_.PostJson("/v1/destinations", {{"name", "x"}}), "'url'");
  ExpectBadRequest(admin_.PostJson("/v1/destinations", {{"url", "https://93.184.216.34/"}}),
                   "'name'");
  ExpectBadRequest(
      admin_.PostJson("/v1/destinations", {{"name", "x"}, {"url", "ftp://93.184.216.34/"}}),
      "'url'");
  ExpectBadRequest(admin_.PostJson("/v1/destinations",
                                   {{"name", "x"}, {"url", "https://93.184.216.34/\r\nX: y"}}),
                   "'url'");
  ExpectBadRequest(
      admin_.PostJson("/v1/destinations",
                      {{"name", "x"}, {"url", "https://93.184.216.34/"}, {"timeout_ms", 5}}),
      "'timeout_ms'");
  ExpectBadRequest(
      admin_.PostJson("/v1/destinations",
                      {{"name", "x"}, {"url", "https://93.184.216.34/"}, {"rate_limit", "fast"}}),
      "'rate_limit'");
  ExpectBadRequest(admin_.PostJson("/v1/destinations", {{"name", "x"},
                                                        {"url", "https://93.184.216.34/"},
                                                        {"secret", "not base64!"}}),
                   "'secret'");
  ExpectBadRequest(admin_.PostJson("/v1/destinations", {{"name", "x"},
                                                        {"url", "https://93.184.216.34/"},
                                                        {"headers", {{"Host", "evil"}}}}),
                   "'headers.Host'");
  ExpectBadRequest(admin_.PostJson("/v1/destinations", {{"name", "x"},
                                                        {"url", "https://93.184.216.34/"},
                                                        {"headers", {{"X-A", "a\nb"}}}}),
                   "'headers.X-A'");
  const std::vector<std::pair<boost::json::value, std::string>> bad_policies = {
      {boost::json::value("often"), "'retry'"},
      {boost::json::value({{"attempts", 0}}), "'retry.attempts'"},
      {boost::json::value({{"attempts", 21}}), "'retry.attempts'"},
      {boost::json::value({{"attempts", "3"}}), "'retry.attempts'"},
      {boost::json::value({{"interval_ms", 99}}), "'retry.interval_ms'"},
      {boost::json::value({{"backoff", "fibonacci"}}), "'retry.backoff'"},
      {boost::json::value({{"max_attempts", 3}}), "'retry.max_attempts'"},
  };
  for (const auto& [policy, mentions] : bad_policies) {
    ExpectBadRequest(
        admin_.PostJson("/v1/destinations",
                        {{"name", "x"}, {"url", "https://93.184.216.34/"}, {"retry", policy}}),
        mentions);
  }
  EXPECT_EQ(admin_.Get("/v1/destinations").Json().at("data").as_array().size(), 0u);
}

TEST_F(DestinationsTest, PrivateAndMetadataTargetsAreRefused) {
  for (const std::string url :
       {"http://127.0.0.1:9/", "http://localhost/", "http://2130706433/", "http://0x7f.1/",
        "http://[::1]/", "http://[::ffff:10.0.0.1]/", "http://169.254.169.254/latest/meta-data",
        "http://10.1.2.3/", "http://192.168.0.1/", "http://100.64.0.1/", "http://0.0.0.0/"}) {
    auto response = admin_.PostJson("/v1/destinations", {{"name", "x"}, {"url", url}});
    EXPECT_EQ(response.status, 400) << url << ": " << response.body;
    EXPECT_NE(response.body.find("not allowed"), std::string::npos) << url << ": " << response.body;
  }
}

TEST_F(DestinationsTest, ConnectionsCheckTheirSourceDestinationAndFilter) {
  std::string source = CreateSource(admin_);
  auto destination =
      admin_.PostJson("/v1/destinations", {{"name", "d"}, {"url", "https://93.184.216.34/"}});
  std::string destination_id = JsonString(destination.Json(), "id");

  auto created = admin_.PostJson(
      "/v1/connections",
      {{"source_id", source},
       {"destination_id", destination_id},
       {"filter",
        {{"headers", {{"x-github-event", "push"}}}, {"body", {{"amount", {{"$gte", 100}}}}}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto connection = created.Json();
  std::string id = JsonString(connection, "id");
  EXPECT_EQ(id.rfind("con_", 0), 0u);
  EXPECT_TRUE(connection.at("enabled").as_bool());
  EXPECT_EQ(connection.at("filter").at("body").at("amount").at("$gte").as_int64(), 100);

  auto bad_filter = admin_.PostJson("/v1/connections",
                                    {{"source_id", source},
                                     {"destination_id", destination_id},
                                     {"filter", {{"body", {{"amount", {{"$between", {1, 2}}}}}}}}});
  ExpectBadRequest(bad_filter, "$between");
  auto unknown = admin_.PostJson("/v1/connections",
                                 {{"source_id", "src_nope"}, {"destination_id", destination_id}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("'source_id'"), std::string::npos);

  auto disabled =
      admin_.PatchJson("/v1/connections/" + id, {{"enabled", false}, {"filter", nullptr}});
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_FALSE(disabled.Json().at("enabled").as_bool());
  EXPECT_TRUE(disabled.Json().at("filter").is_null());

  // Deleting the destination takes its connections with it.
  EXPECT_EQ(admin_.Delete("/v1/destinations/" + destination_id).status, 204);
  EXPECT_EQ(admin_.Get("/v1/connections/" + id).status, 404);
}

TEST_F(DestinationsTest, AnotherOrganizationSeesNothing) {
  auto org = admin_.PostJson("/v1/orgs", {{"name", "globex"}});
  HttpClient other = server_.WithKey(CreateKey(admin_, "admin", JsonString(org.Json(), "id")));
  std::string source = CreateSource(admin_);
  std::string destination = JsonString(
      admin_.PostJson("/v1/destinations", {{"name", "d"}, {"url", "https://93.184.216.34/"}})
          .Json(),
      "id");
  std::string connection = JsonString(
      admin_.PostJson("/v1/connections", {{"source_id", source}, {"destination_id", destination}})
          .Json(),
      "id");
  EXPECT_EQ(other.Get("/v1/destinations/" + destination).status, 404);
  EXPECT_EQ(other.Delete("/v1/destinations/" + destination).status, 404);
  EXPECT_EQ(other.Get("/v1/connections/" + connection).status, 404);
  EXPECT_EQ(other.PatchJson("/v1/connections/" + connection, {{"enabled", false}}).status, 404);
  // Nor can it wire its own connection to our source or destination.
  std::string own_source = CreateSource(other);
  EXPECT_EQ(
      other
          .PostJson("/v1/connections", {{"source_id", own_source}, {"destination_id", destination}})
          .status,
      404);
  EXPECT_TRUE(other.Get("/v1/destinations").Json().at("data").as_array().empty());
  EXPECT_TRUE(other.Get("/v1/connections").Json().at("data").as_array().empty());
}

}  // namespace
}  // namespace rehook::testing
