// Every error path answers {"error":{"code","message"}} with the right status, and the server
// keeps serving afterwards.
#include <gtest/gtest.h>

#include "support/api_helpers.h"
#include "support/rehook_process.h"

namespace rehook::testing {
namespace {

class ApiErrorsTest : public ::testing::Test {
 protected:
  void ExpectError(const HttpResult& response, int status, const std::string& code,
                   const std::string& mentions = "") {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(response.Header("Content-Type"), "application/json") << response.body;
    EXPECT_EQ(response.ErrorCode(), code) << response.body;
    if (!mentions.empty()) {
      EXPECT_NE(response.body.find(mentions), std::string::npos)
          << "message should mention " << mentions << ": " << response.body;
    }
  }

  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
};

TEST_F(ApiErrorsTest, MalformedJsonBodies) {
  for (std::string body : {"{", "{\"name\": }", "nul", "{\"name\":\"x\"} trailing", "\xff\xfe"}) {
    ExpectError(admin_.Request("POST", "/v1/sources", body, {{"Content-Type", "application/json"}}),
                400, "bad_request", "JSON");
  }
  for (std::string body : {"[]", "\"name\"", "42", "null"}) {
    ExpectError(admin_.Request("POST", "/v1/sources", body), 400, "bad_request", "JSON object");
  }
  std::string deep(1000, '[');
  ExpectError(admin_.Request("POST", "/v1/sources", "{\"a\":" + deep), 400, "bad_request");
}

TEST_F(ApiErrorsTest, WrongTypesNameTheField) {
  ExpectError(admin_.PostJson("/v1/sources", {{"name", boost::json::array{1}}}), 400, "bad_request",
              "'name'");
  ExpectError(admin_.PostJson("/v1/api-keys", {{"name", "k"}, {"role", 3}}), 400, "bad_request",
              "'role'");
  ExpectError(admin_.PostJson("/v1/orgs", {{"name", "o"}, {"retention_days", "30"}}), 400,
              "bad_request", "'retention_days'");
  ExpectError(admin_.PostJson("/v1/orgs", {{"name", "o"}, {"retention_days", 0}}), 400,
              "bad_request", "'retention_days'");
  ExpectError(admin_.PostJson("/v1/auth/login", {{"api_key", false}}), 400, "bad_request",
              "'api_key'");
}

TEST_F(ApiErrorsTest, NulCharactersInNamesAreRefusedOnEveryStore) {
  // Valid JSON, but PostgreSQL's text type cannot hold U+0000: both stores refuse it alike,
  // with a 400 naming the field rather than a 500 from the database.
  ExpectError(admin_.Request("POST", "/v1/sources", R"({"name":"a\u0000b"})"), 400, "bad_request",
              "'name'");
  ExpectError(admin_.Request("POST", "/v1/api-keys", R"({"name":"\u0000","role":"viewer"})"), 400,
              "bad_request", "'name'");
  EXPECT_EQ(admin_.PostJson("/v1/sources", {{"name", "still serving"}}).status, 201);
}

TEST_F(ApiErrorsTest, UnknownRoutesAndMethods) {
  ExpectError(admin_.Get("/v1/nothing-here"), 404, "not_found");
  ExpectError(admin_.Get("/nothing-here"), 404, "not_found");
  auto wrong_method = admin_.Request("PUT", "/v1/sources", "{}");
  ExpectError(wrong_method, 405, "method_not_allowed");
  EXPECT_EQ(wrong_method.Header("Allow"), "POST, GET");
}

TEST_F(ApiErrorsTest, OversizeApiBodiesAre413) {
  std::string huge = "{\"name\":\"" + std::string(2 * 1024 * 1024, 'a') + "\"}";
  ExpectError(admin_.Request("POST", "/v1/sources", huge), 413, "payload_too_large");
  EXPECT_EQ(server_.Admin().Get("/v1/sources").status, 200);
}

TEST_F(ApiErrorsTest, MalformedHttpGetsAJsonErrorNotAHangOrCrash) {
  for (const std::string& raw :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
        std::string("POST /v1/sources HTTP/1.1\r\nContent-Length: nope\r\n\r\n"),
        std::string("GET /v1/sources HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"),
        std::string("GET /v1/sources HTTP/1.1\r\nX-Evil: a\rb\r\n\r\n")}) {
    std::string reply = RawExchange(server_.port(), raw);
    EXPECT_NE(reply.find("HTTP/1.1 400"), std::string::npos) << raw << " -> " << reply;
    EXPECT_NE(reply.find("\"bad_request\""), std::string::npos) << reply;
  }
  std::string big_headers =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100 * 1024, 'a') + "\r\n\r\n";
  std::string reply = RawExchange(server_.port(), big_headers);
  EXPECT_NE(reply.find("HTTP/1.1 431"), std::string::npos) << reply.substr(0, 200);
  // Still serving.
  EXPECT_EQ(server_.Client().Get("/healthz").status, 200);
}

}  // namespace
}  // namespace rehook::testing
