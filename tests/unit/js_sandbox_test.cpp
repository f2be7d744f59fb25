// The sandbox that runs transformation scripts: results, console.log, errors, and the bounds
// (CPU time, memory, recursion) that make a bad script fail its own call and nothing else.

#include "transform/js_sandbox.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <string>

namespace rehook {
namespace {

constexpr const char* kRequest =
    R"({"method":"POST","path":"/orders","query":{},"headers":{"content-type":"application/json"},"body":{"amount":5,"customer":"c_1"}})";
constexpr const char* kContext = R"({"event_id":"evt_1","trigger":"test"})";

ScriptSource Script(std::string key, std::string code) { return {std::move(key), std::move(code)}; }

class JsSandboxTest : public testing::Test {
 protected:
  JsSandbox sandbox_{ScriptLimits{}};
};

TEST_F(JsSandboxTest, ReturnsTheChangedRequestWithItsBodyAsJsonAndItsLogs) {
  ScriptCall call = sandbox_.Call(Script("t1", R"(
      function transform(request, context) {
        request.body.total = request.body.amount;
        delete request.body.amount;
        request.headers["x-event"] = context.event_id;
        console.log("moved amount", {to: "total"}, 3);
        return request;
      })"),
                                  kRequest, kContext);
  ASSERT_TRUE(call.returned) << call.error;
  EXPECT_EQ(call.error, "");
  EXPECT_FALSE(call.returned_null);
  ASSERT_TRUE(call.body.has_value());
  EXPECT_EQ(*call.body, R"({"customer":"c_1","total":5})");
  EXPECT_TRUE(call.body_is_json);
  auto request = boost::json::parse(call.request_json).as_object();
  EXPECT_EQ(request.at("method"), "POST");
  EXPECT_EQ(request.at("headers").at("x-event"), "evt_1");
  EXPECT_FALSE(request.contains("body"));
  ASSERT_EQ(call.logs.size(), 1u);
  EXPECT_EQ(call.logs[0], R"(moved amount {"to":"total"} 3)");
}

TEST_F(JsSandboxTest, AStringBodyIsSentAsItsBytesAndNullSkips) {
  ScriptCall text = sandbox_.Call(
      Script("t2", "function transform(r) { r.body = 'plain ü'; return r; }"), kRequest, kContext);
  ASSERT_TRUE(text.returned) << text.error;
  EXPECT_EQ(*text.body, "plain \xC3\xBC");
  EXPECT_FALSE(text.body_is_json);

  ScriptCall skipped =
      sandbox_.Call(Script("t3", "function transform() { return null; }"), kRequest, kContext);
  EXPECT_TRUE(skipped.returned);
  EXPECT_TRUE(skipped.returned_null);
  EXPECT_EQ(skipped.error, "");
}

TEST_F(JsSandboxTest, ModernSyntaxAndAsyncTransformsWork) {
  ScriptCall call = sandbox_.Call(Script("t4", R"(
      const pick = ({customer, ...rest}) => ({customer, keys: Object.keys(rest)});
      async function transform(request) {
        return {...request, body: {text: `order for ${request.body.customer}`, ...pick(request.body)}};
      })"),
                                  kRequest, kContext);
  ASSERT_TRUE(call.returned) << call.error;
  EXPECT_EQ(*call.body, R"({"text":"order for c_1","customer":"c_1","keys":["amount"]})");
}

TEST_F(JsSandboxTest, AThrowingScriptFailsWithItsMessageAndLine) {
  ScriptCall call =
      sandbox_.Call(Script("t5", "function transform(r) {\n  throw new Error('no customer');\n}"),
                    kRequest, kContext);
  EXPECT_FALSE(call.returned);
  EXPECT_EQ(call.error, "Error: no customer (line 2)");
}

TEST_F(JsSandboxTest, WrongResultsAreRefusedInWords) {
  ScriptCall undefined_result =
      sandbox_.Call(Script("t6", "function transform(r) { }"), kRequest, kContext);
  EXPECT_FALSE(undefined_result.returned);
  EXPECT_NE(undefined_result.error.find("not undefined"), std::string::npos)
      << undefined_result.error;
  ScriptCall circular =
      sandbox_.Call(Script("t7", "function transform(r) { r.body.self = r.body; return r; }"),
                    kRequest, kContext);
  EXPECT_FALSE(circular.returned);
  EXPECT_NE(circular.error.find("cannot be made JSON"), std::string::npos) << circular.error;
}

TEST_F(JsSandboxTest, CheckReportsSyntaxErrorsAndAMissingTransform) {
  EXPECT_EQ(sandbox_.Check("function transform(r) { return r; }"), "");
  std::string syntax = sandbox_.Check("function transform(r) { return r; ");
  EXPECT_NE(syntax.find("SyntaxError"), std::string::npos) << syntax;
  EXPECT_EQ(sandbox_.Check("const x = 1;"),
            "the code must define function transform(request, context)");
  EXPECT_NE(sandbox_.Check("for (;;) {}").find("timed out"), std::string::npos);
}

TEST_F(JsSandboxTest, NoNetworkFileTimerModuleOrWebAssembly) {
  ScriptCall call = sandbox_.Call(Script("t8", R"(
      function transform(r) {
        return {body: [typeof fetch, typeof require, typeof setTimeout, typeof process,
                       typeof WebAssembly, typeof SharedArrayBuffer, typeof XMLHttpRequest]};
      })"),
                                  kRequest, kContext);
  ASSERT_TRUE(call.returned) << call.error;
  EXPECT_EQ(
      *call.body,
      R"(["undefined","undefined","undefined","undefined","undefined","undefined","undefined"])");
}

TEST_F(JsSandboxTest, ALoopingScriptIsEndedAtItsCpuBudgetAndTheNextCallRuns) {
  ScriptCall looping =
      sandbox_.Call(Script("loop", "function transform(r) { for (;;) {} }"), kRequest, kContext);
  EXPECT_FALSE(looping.returned);
  EXPECT_EQ(looping.error, "timed out: the script ran for more than 50 ms of CPU time");
  EXPECT_GE(looping.cpu_time.count(), 45'000);

  ScriptCall healthy =
      sandbox_.Call(Script("ok", "function transform(r) { return r; }"), kRequest, kContext);
  EXPECT_TRUE(healthy.returned) << healthy.error;
  // The looping script itself runs again, and is ended again.
  EXPECT_NE(
      sandbox_.Call(Script("loop", "function transform(r) { for (;;) {} }"), kRequest, kContext)
          .error.find("timed out"),
      std::string::npos);
}

TEST_F(JsSandboxTest, EndlessRecursionFailsWithARangeError) {
  ScriptCall call = sandbox_.Call(
      Script("recurse",
             "function f(n) { return f(n + 1) + 1; }\nfunction transform(r) { return f(0); }"),
      kRequest, kContext);
  EXPECT_FALSE(call.returned);
  EXPECT_NE(call.error.find("RangeError: Maximum call stack size exceeded"), std::string::npos)
      << call.error;
  EXPECT_TRUE(sandbox_.Call(Script("ok", "function transform(r) { return r; }"), kRequest, kContext)
                  .returned);
}

TEST_F(JsSandboxTest, AScriptAllocatingWithoutEndFailsAndTheIsolateIsReplaced) {
  // Objects that stay reachable: the heap fills up well within the CPU budget of 2 s.
  JsSandbox sandbox(ScriptLimits{std::chrono::milliseconds(2000), std::size_t{16} << 20});
  ScriptCall call = sandbox.Call(Script("hog", R"(
      function transform(r) { const kept = []; for (;;) kept.push({n: kept.length, s: 'x' + kept.length}); })"),
                                 kRequest, kContext);
  EXPECT_FALSE(call.returned);
  EXPECT_EQ(call.error, "out of memory: the script used more than 16 MiB");
  EXPECT_EQ(sandbox.isolates_replaced(), 1);
  ScriptCall after =
      sandbox.Call(Script("ok", "function transform(r) { return r; }"), kRequest, kContext);
  EXPECT_TRUE(after.returned) << after.error;
}

TEST_F(JsSandboxTest, BuffersBeyondTheMemoryBudgetAreRefused) {
  ScriptCall call = sandbox_.Call(
      Script("buffer", "function transform(r) { return {body: new ArrayBuffer(2e9).byteLength}; }"),
      kRequest, kContext);
  EXPECT_FALSE(call.returned);
  EXPECT_NE(call.error.find("RangeError"), std::string::npos) << call.error;
}

TEST_F(JsSandboxTest, ScriptsDoNotSeeEachOthersGlobalsButKeepTheirOwn) {
  const char* counter =
      "var n = (globalThis.n || 0); function transform() { n++; return {body: n}; }";
  EXPECT_EQ(*sandbox_.Call(Script("a", counter), kRequest, kContext).body, "1");
  EXPECT_EQ(*sandbox_.Call(Script("a", counter), kRequest, kContext).body, "2");
  EXPECT_EQ(*sandbox_.Call(Script("b", counter), kRequest, kContext).body, "1");
}

}  // namespace
}  // namespace rehook
