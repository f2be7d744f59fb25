// Transformations through the real binary: saving scripts (compiled when saved, so a syntax
// error is a 400 naming `code`), the test run against a stored event or a given request (the
// request it would send, console.log lines, errors, skips), the bounds a bad script meets in a
// test run, and another organization's scripts reading as missing. Runs on SQLite and
// PostgreSQL.
#include <gtest/gtest.h>

#include "support/api_helpers.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"

namespace rehook::testing {
namespace {

constexpr const char* kRenameAndTag = R"(
function transform(request, context) {
  const {amount, ...rest} = request.body;
  console.log("renaming amount for", context.event_id);
  request.body = {...rest, amount_cents: amount};
  request.headers["x-shop-tag"] = "tagged";
  return request;
})";

class TransformationsTest : public ::testing::Test {
 protected:
  boost::json::object Test(const boost::json::object& body, int expected_status = 200) {
    auto response = admin_.PostJson("/v1/transformations/test", body);
    EXPECT_EQ(response.status, expected_status) << response.body;
    auto json = response.Json();
    return expected_status == 200 ? json.at("data").as_object() : json.as_object();
  }

  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
};

TEST_F(TransformationsTest, SavedScriptsCanBeListedChangedAndDeleted) {
  auto created =
      admin_.PostJson("/v1/transformations", {{"name", "rename"}, {"code", kRenameAndTag}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = JsonString(created.Json(), "id");
  EXPECT_EQ(id.rfind("trf_", 0), 0u);
  EXPECT_EQ(JsonString(created.Json(), "code"), kRenameAndTag);

  auto listed = admin_.Get("/v1/transformations");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.Json().at("data").as_array().size(), 1u);

  auto renamed = admin_.PatchJson("/v1/transformations/" + id, {{"name", "renamed"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(JsonString(renamed.Json(), "name"), "renamed");
  EXPECT_EQ(JsonString(renamed.Json(), "code"), kRenameAndTag);

  auto broken = admin_.PatchJson("/v1/transformations/" + id, {{"code", "function transform( {"}});
  EXPECT_EQ(broken.status, 400);
  EXPECT_NE(broken.body.find("'code'"), std::string::npos) << broken.body;
  EXPECT_NE(broken.body.find("SyntaxError"), std::string::npos) << broken.body;
  EXPECT_EQ(JsonString(admin_.Get("/v1/transformations/" + id).Json(), "code"), kRenameAndTag);

  EXPECT_EQ(admin_.Delete("/v1/transformations/" + id).status, 204);
  EXPECT_EQ(admin_.Get("/v1/transformations/" + id).status, 404);
  EXPECT_EQ(admin_.Delete("/v1/transformations/" + id).status, 404);
}

TEST_F(TransformationsTest, CodeThatDoesNotCompileOrDefinesNoTransformIsRefused) {
  auto syntax = admin_.PostJson("/v1/transformations", {{"name", "x"}, {"code", "return {"}});
  EXPECT_EQ(syntax.status, 400);
  EXPECT_NE(syntax.body.find("'code'"), std::string::npos) << syntax.body;
  auto no_function =
      admin_.PostJson("/v1/transformations", {{"name", "x"}, {"code", "var a = 1;"}});
  EXPECT_EQ(no_function.status, 400);
  EXPECT_NE(no_function.body.find("function transform"), std::string::npos) << no_function.body;
  auto missing = admin_.PostJson("/v1/transformations", {{"name", "x"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("'code'"), std::string::npos) << missing.body;
  auto looping =
      admin_.PostJson("/v1/transformations", {{"name", "x"}, {"code", "while (true) {}"}});
  EXPECT_EQ(looping.status, 400);
  EXPECT_NE(looping.body.find("timed out"), std::string::npos) << looping.body;
}

TEST_F(TransformationsTest, ATestRunAgainstAStoredEventShowsTheRequestItWouldSendAndItsLogs) {
  const std::string source = CreateSource(admin_, "shop");
  auto captured =
      client_.Request("POST", "/in/" + source + "/orders?x=1", R"({"amount":500,"id":"o_1"})",
                      {{"Content-Type", "application/json"}});
  ASSERT_EQ(captured.status, 200);
  const std::string event_id = JsonString(captured.Json(), "id");

  auto data = Test({{"code", kRenameAndTag}, {"event_id", event_id}});
  EXPECT_TRUE(data.at("error").is_null()) << data;
  EXPECT_FALSE(data.at("skipped").as_bool());
  const auto& request = data.at("request").as_object();
  EXPECT_EQ(request.at("method"), "POST");
  EXPECT_EQ(request.at("path"), "/orders");
  EXPECT_EQ(request.at("query").at("x"), "1");
  EXPECT_EQ(request.at("headers").at("x-shop-tag"), "tagged");
  EXPECT_EQ(request.at("headers").at("content-type"), "application/json");
  EXPECT_EQ(boost::json::serialize(request.at("body")), R"({"id":"o_1","amount_cents":500})");
  ASSERT_EQ(data.at("logs").as_array().size(), 1u);
  EXPECT_EQ(data.at("logs").as_array()[0].as_string(), "renaming amount for " + event_id);
  EXPECT_GE(data.at("duration_ms").as_double(), 0.0);

  // The same through a saved transformation.
  auto saved =
      admin_.PostJson("/v1/transformations", {{"name", "rename"}, {"code", kRenameAndTag}});
  auto by_id =
      Test({{"transformation_id", JsonString(saved.Json(), "id")}, {"event_id", event_id}});
  EXPECT_EQ(boost::json::serialize(by_id.at("request").at("body")),
            R"({"id":"o_1","amount_cents":500})");
}

TEST_F(TransformationsTest, ATestRunAgainstAGivenRequestSkipsFailsAndIsBounded) {
  boost::json::object request{{"method", "POST"},
                              {"path", "/hook"},
                              {"headers", {{"Content-Type", "application/json"}}},
                              {"body", {{"type", "ping"}}}};
  auto skipped =
      Test({{"code", "function transform(r) { return r.body.type === 'ping' ? null : r; }"},
            {"request", request}});
  EXPECT_TRUE(skipped.at("skipped").as_bool());
  EXPECT_TRUE(skipped.at("request").is_null());
  EXPECT_TRUE(skipped.at("error").is_null());

  auto thrown =
      Test({{"code", "function transform(r) {\n  throw new TypeError('bad ' + r.body.type);\n}"},
            {"request", request}});
  EXPECT_EQ(thrown.at("error"), "TypeError: bad ping (line 2)");
  EXPECT_TRUE(thrown.at("request").is_null());

  auto looping = Test({{"code", "function transform(r) { for (;;) {} }"}, {"request", request}});
  EXPECT_EQ(looping.at("error"), "timed out: the script ran for more than 50 ms of CPU time");

  auto hog =
      Test({{"code", "function transform(r) { const a = []; for (;;) a.push({n: a.length}); }"},
            {"request", request}});
  EXPECT_NE(std::string(hog.at("error").as_string()).find("ms of CPU time"), std::string::npos)
      << hog;  // within 50 ms it is the CPU budget that ends it, before the heap fills

  auto wrong = Test({{"code", "function transform(r) { return {headers: {'bad name': 'x'}}; }"},
                     {"request", request}});
  EXPECT_NE(std::string(wrong.at("error").as_string()).find("not a header name"), std::string::npos)
      << wrong;

  // A healthy script still runs after all that.
  auto healthy = Test(
      {{"code", "function transform(r) { r.method = 'PUT'; return r; }"}, {"request", request}});
  EXPECT_TRUE(healthy.at("error").is_null()) << healthy;
  EXPECT_EQ(healthy.at("request").at("method"), "PUT");
}

TEST_F(TransformationsTest, BadTestInputIsRefusedNamingTheField) {
  auto syntax = Test({{"code", "function transform( {"}, {"request", boost::json::object{}}}, 400);
  EXPECT_NE(boost::json::serialize(syntax).find("'code'"), std::string::npos);
  auto no_input = Test({{"code", "function transform(r) { return r; }"}}, 400);
  EXPECT_NE(boost::json::serialize(no_input).find("'event_id'"), std::string::npos);
  auto unknown_event =
      Test({{"code", "function transform(r) { return r; }"}, {"event_id", "evt_nope"}}, 404);
  auto unknown_script =
      Test({{"transformation_id", "trf_nope"}, {"request", boost::json::object{}}}, 404);
  EXPECT_NE(boost::json::serialize(unknown_script).find("'transformation_id'"), std::string::npos);
}

TEST_F(TransformationsTest, AnotherOrganizationsTransformationsReadAsMissing) {
  auto saved = admin_.PostJson("/v1/transformations", {{"name", "mine"}, {"code", kRenameAndTag}});
  const std::string id = JsonString(saved.Json(), "id");
  auto org = admin_.PostJson("/v1/orgs", {{"name", "other"}});
  ASSERT_EQ(org.status, 201) << org.body;
  HttpClient other = server_.WithKey(CreateKey(admin_, "admin", JsonString(org.Json(), "id")));
  EXPECT_EQ(other.Get("/v1/transformations/" + id).status, 404);
  EXPECT_EQ(other.Get("/v1/transformations").Json().at("data").as_array().size(), 0u);
  EXPECT_EQ(other.Delete("/v1/transformations/" + id).status, 404);
  EXPECT_EQ(other
                .PostJson("/v1/transformations/test",
                          {{"transformation_id", id}, {"request", boost::json::object{}}})
                .status,
            404);
}

// Forwarding and replay through connections that name a transformation.
class TransformedDeliveryTest : public ::testing::Test {
 protected:
  TransformedDeliveryTest() : server_(RehookOptions{.args = {"--allow-private-targets"}}) {
    source_ = CreateSource(admin_, "shop");
  }

  std::string Transformation(const std::string& code) {
    auto response = admin_.PostJson("/v1/transformations", {{"name", "t"}, {"code", code}});
    EXPECT_EQ(response.status, 201) << response.body;
    return JsonString(response.Json(), "id");
  }

  // A destination at `sink` and a connection to it from the shop through `transformation`.
  std::string Connect(SinkServer& sink, const std::string& transformation,
                      boost::json::object destination_fields = {}) {
    const std::string destination =
        CreateDestination(admin_, sink.url() + "/hook", std::move(destination_fields));
    boost::json::object body{{"source_id", source_}, {"destination_id", destination}};
    if (!transformation.empty()) body["transformation_id"] = transformation;
    auto response = admin_.PostJson("/v1/connections", body);
    EXPECT_EQ(response.status, 201) << response.body;
    EXPECT_EQ(JsonString(response.Json(), "transformation_id"), transformation);
    return JsonString(response.Json(), "id");
  }

  std::string CaptureJson(const std::string& body) {
    auto response = client_.Request("POST", "/in/" + source_ + "/orders", body,
                                    {{"Content-Type", "application/json"}});
    EXPECT_EQ(response.status, 200) << response.body;
    return JsonString(response.Json(), "id");
  }

  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
  std::string source_;
};

TEST_F(TransformedDeliveryTest, ForwardingSendsWhatTheScriptReturnedByteForByte) {
  SinkServer sink;
  const std::string script = Transformation(kRenameAndTag);
  Connect(sink, script, {{"secret", "whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ="}});
  const std::string event_id = CaptureJson(R"({"amount":500,"id":"o_1"})");

  ASSERT_TRUE(sink.WaitForCount(1, std::chrono::seconds(10)));
  const SinkRequest got = sink.requests()[0];  // requests() is a copy
  EXPECT_EQ(got.body, R"({"id":"o_1","amount_cents":500})");
  EXPECT_EQ(got.Header("x-shop-tag"), "tagged");
  EXPECT_EQ(got.Header("content-type"), "application/json");
  EXPECT_EQ(got.Header("x-rehook-event-id"), event_id);
  EXPECT_EQ(got.target, "/hook");
  EXPECT_TRUE(got.Header("webhook-signature").has_value());

  auto attempts = WaitForAttempts(admin_, event_id, 1);  // logged with the next group commit
  ASSERT_EQ(attempts.size(), 1u);
  const auto& attempt = attempts[0].as_object();
  EXPECT_TRUE(attempt.at("success").as_bool());
  EXPECT_FALSE(attempt.at("skipped").as_bool());
  const auto& transformation = attempt.at("transformation").as_object();
  EXPECT_EQ(transformation.at("id").as_string(), script);
  EXPECT_GE(transformation.at("duration_ms").as_double(), 0.0);
  const auto& sent = transformation.at("sent").as_object();
  EXPECT_EQ(sent.at("body"), R"({"id":"o_1","amount_cents":500})");
  EXPECT_EQ(sent.at("method"), "POST");
  EXPECT_NE(boost::json::serialize(sent.at("headers")).find(R"(["x-shop-tag","tagged"])"),
            std::string::npos)
      << sent;
}

TEST_F(TransformedDeliveryTest, AScriptThatReturnsNullSkipsTheDelivery) {
  SinkServer sink;
  Connect(sink,
          Transformation("function transform(r) { return r.body.type === 'ping' ? null : r; }"));
  const std::string ping = CaptureJson(R"({"type":"ping"})");
  const std::string order = CaptureJson(R"({"type":"order"})");
  ASSERT_TRUE(sink.WaitForCount(1, std::chrono::seconds(10)));
  auto attempts = WaitForAttempts(admin_, ping, 1);
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_TRUE(attempts[0].at("skipped").as_bool());
  EXPECT_FALSE(attempts[0].at("success").as_bool());
  EXPECT_TRUE(attempts[0].at("error").is_null());
  EXPECT_TRUE(attempts[0].at("transformation").at("sent").is_null());
  EXPECT_EQ(sink.requests().size(), 1u);
  EXPECT_EQ(sink.requests()[0].body, R"({"type":"order"})");
}

TEST_F(TransformedDeliveryTest, BrokenScriptsFailTheirOwnDeliveriesWhileAHealthyOneDelivers) {
  SinkServer throwing_sink, looping_sink, hog_sink, healthy_sink;
  Connect(throwing_sink, Transformation("function transform(r) { throw new Error('boom'); }"));
  Connect(looping_sink, Transformation("function transform(r) { for (;;) {} }"));
  Connect(hog_sink, Transformation(
                        "function transform(r) { const a = []; for (;;) a.push({n: a.length}); }"));
  Connect(healthy_sink,
          Transformation("function transform(r) { r.headers['x-ok'] = 'yes'; return r; }"));

  std::vector<std::string> events;
  for (int n = 0; n < 3; ++n) events.push_back(CaptureJson(R"({"n":)" + std::to_string(n) + "}"));
  ASSERT_TRUE(healthy_sink.WaitForCount(3, std::chrono::seconds(20)));
  for (const auto& request : healthy_sink.requests()) EXPECT_EQ(request.Header("x-ok"), "yes");

  for (const std::string& event : events) {
    auto attempts = WaitForAttempts(admin_, event, 4);
    ASSERT_EQ(attempts.size(), 4u);
    std::vector<std::string> errors;
    for (const auto& attempt : attempts) {
      if (attempt.at("error").is_null()) continue;
      std::string error(attempt.at("error").as_string());
      EXPECT_EQ(error.rfind("transformation failed: ", 0), 0u) << error;
      EXPECT_FALSE(attempt.at("success").as_bool());
      EXPECT_TRUE(attempt.at("next_retry_at").is_null()) << "a failed script is not retried";
      errors.push_back(error);
    }
    ASSERT_EQ(errors.size(), 3u);
    std::string all = errors[0] + "|" + errors[1] + "|" + errors[2];
    EXPECT_NE(all.find("Error: boom"), std::string::npos) << all;
    EXPECT_NE(all.find("timed out"), std::string::npos) << all;
  }
  // Nothing reached the broken connections' destinations.
  EXPECT_EQ(
      throwing_sink.requests().size() + looping_sink.requests().size() + hog_sink.requests().size(),
      0u);
  // And the server is still answering.
  EXPECT_EQ(admin_.Get("/v1/transformations").status, 200);
}

TEST_F(TransformedDeliveryTest, AReplayThroughAConnectionAppliesItsCurrentScript) {
  SinkServer sink;
  const std::string script =
      Transformation("function transform(r) { r.headers['x-version'] = '1'; return r; }");
  const std::string connection = Connect(sink, script);
  CaptureJson(R"({"n":1})");
  CaptureJson(R"({"n":2})");
  ASSERT_TRUE(sink.WaitForCount(2, std::chrono::seconds(10)));

  auto changed = admin_.PatchJson("/v1/transformations/" + script,
                                  {{"code",
                                    "function transform(r) { r.headers['x-version'] = '2'; "
                                    "r.body.replayed = true; return r; }"}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  auto job = admin_.PostJson(
      "/v1/replay",
      {{"destination_id",
        JsonString(admin_.Get("/v1/connections/" + connection).Json(), "destination_id")},
       {"connection_id", connection},
       {"from", "2000-01-01T00:00:00.000Z"},
       {"to", "2100-01-01T00:00:00.000Z"},
       {"rate_limit", 100}});
  ASSERT_EQ(job.status, 201) << job.body;
  ASSERT_TRUE(sink.WaitForCount(4, std::chrono::seconds(10)));
  auto requests = sink.requests();
  EXPECT_EQ(requests[0].Header("x-version"), "1");
  EXPECT_EQ(requests[2].Header("x-version"), "2");
  EXPECT_EQ(requests[3].Header("x-version"), "2");
  EXPECT_EQ(requests[2].body, R"({"n":1,"replayed":true})");
  EXPECT_EQ(requests[2].Header("x-rehook-replay"), "1");

  // A job may name a script of its own instead.
  const std::string other = Transformation("function transform(r) { r.body = 'other'; return r; }");
  auto own = admin_.PostJson(
      "/v1/replay",
      {{"destination_id",
        JsonString(admin_.Get("/v1/connections/" + connection).Json(), "destination_id")},
       {"connection_id", connection},
       {"transformation_id", other},
       {"from", "2000-01-01T00:00:00.000Z"},
       {"to", "2100-01-01T00:00:00.000Z"},
       {"rate_limit", 100}});
  ASSERT_EQ(own.status, 201) << own.body;
  EXPECT_EQ(JsonString(own.Json().at("job"), "transformation_id"), other);
  ASSERT_TRUE(sink.WaitForCount(6, std::chrono::seconds(10)));
  EXPECT_EQ(sink.requests()[5].body, "other");

  // A script in use cannot be deleted; unknown ids are refused naming the field.
  EXPECT_EQ(admin_.Delete("/v1/transformations/" + script).status, 409);
  auto unknown =
      admin_.PatchJson("/v1/connections/" + connection, {{"transformation_id", "trf_nope"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("'transformation_id'"), std::string::npos);
  auto cleared =
      admin_.PatchJson("/v1/connections/" + connection, {{"transformation_id", nullptr}});
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.Json().at("transformation_id").is_null());
  EXPECT_EQ(admin_.Delete("/v1/transformations/" + script).status, 204);
}

}  // namespace
}  // namespace rehook::testing
