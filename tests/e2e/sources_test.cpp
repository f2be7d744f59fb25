// Sources CRUD (and the /v1/endpoints alias) through the real binary.
#include <gtest/gtest.h>

#include <set>

#include "support/api_helpers.h"
#include "support/rehook_process.h"

namespace rehook::testing {
namespace {

class SourcesTest : public ::testing::Test {
 protected:
  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
};

TEST_F(SourcesTest, CreateGetUpdateDelete) {
  auto created = admin_.PostJson("/v1/sources", {{"name", "stripe prod"}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto source = created.Json();
  std::string id = JsonString(source, "id");
  EXPECT_EQ(id.rfind("src_", 0), 0u);
  EXPECT_EQ(source.at("name").as_string(), "stripe prod");
  EXPECT_EQ(source.at("ingest_url").as_string(), server_.url() + "/in/" + id);
  EXPECT_TRUE(source.as_object().contains("created_at"));
  EXPECT_EQ(created.Header("Content-Type"), "application/json");

  auto fetched = admin_.Get("/v1/sources/" + id);
  EXPECT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.Json().at("name").as_string(), "stripe prod");

  auto patched = admin_.PatchJson("/v1/sources/" + id, {{"name", "stripe live"}});
  EXPECT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json().at("name").as_string(), "stripe live");
  EXPECT_EQ(admin_.Get("/v1/endpoints/" + id).Json().at("name").as_string(), "stripe live");

  // Capture works until the source is deleted, then 404s.
  HttpClient client = server_.Client();
  EXPECT_EQ(client.Request("POST", "/in/" + id, "{}").status, 200);
  EXPECT_EQ(admin_.Delete("/v1/sources/" + id).status, 204);
  EXPECT_EQ(admin_.Get("/v1/sources/" + id).status, 404);
  EXPECT_EQ(client.Request("POST", "/in/" + id, "{}").status, 404);
  EXPECT_EQ(admin_.Delete("/v1/sources/" + id).status, 404);
}

TEST_F(SourcesTest, ListsPageWithCursor) {
  std::set<std::string> created;
  for (int i = 0; i < 7; ++i) created.insert(CreateSource(admin_, "s" + std::to_string(i)));
  std::set<std::string> listed;
  std::string target = "/v1/sources?limit=3";
  for (int pages = 0; pages < 5; ++pages) {
    auto page = admin_.Get(target).Json();
    for (const auto& source : page.at("data").as_array()) listed.insert(JsonString(source, "id"));
    if (page.at("next_cursor").is_null()) break;
    target = "/v1/sources?limit=3&cursor=" + JsonString(page, "next_cursor");
  }
  EXPECT_EQ(listed, created);
  EXPECT_EQ(admin_.Get("/v1/endpoints?limit=250").Json().at("data").as_array().size(), 7u);
}

TEST_F(SourcesTest, ValidationNamesTheField) {
  struct Case {
    std::string body;
    std::string field;
  };
  for (const auto& [body, field] :
       std::vector<Case>{{"{}", "'name'"},
                         {R"({"name":""})", "'name'"},
                         {R"({"name":42})", "'name'"},
                         {R"({"name":null})", "'name'"},
                         {R"({"name":")" + std::string(300, 'a') + "\"}", "'name'"}}) {
    auto response =
        admin_.Request("POST", "/v1/sources", body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(response.ErrorCode(), "bad_request");
    std::string message(response.Json().at("error").at("message").as_string());
    EXPECT_NE(message.find(field), std::string::npos) << message;
  }
  // Unknown fields are ignored.
  auto ok = admin_.PostJson("/v1/sources", {{"name", "x"}, {"colour", "blue"}});
  EXPECT_EQ(ok.status, 201);
}

TEST_F(SourcesTest, UnknownIdsAre404) {
  EXPECT_EQ(admin_.Get("/v1/sources/src_01JQ3Z6X8E5M2Q7R9T4W6Y8B0C").status, 404);
  EXPECT_EQ(admin_.PatchJson("/v1/sources/nope", {{"name", "x"}}).status, 404);
  EXPECT_EQ(admin_.Delete("/v1/sources/nope").ErrorCode(), "not_found");
}

}  // namespace
}  // namespace rehook::testing
