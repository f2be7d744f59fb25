#include "filter/filter.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <string>
#include <string_view>

namespace rehook {
namespace {

// As deep as the API accepts request bodies, so the filter's own depth limit is what trips.
boost::json::value Json(std::string_view text) {
  boost::json::parse_options options;
  options.max_depth = 64;
  return boost::json::parse(text, {}, options);
}

// Matches a filter against a match input whose body is `body` (other fields empty).
bool BodyMatches(std::string_view body_filter, std::string_view body) {
  boost::json::object input{{"method", "POST"},
                            {"path", "/"},
                            {"query", boost::json::object{}},
                            {"headers", boost::json::object{}},
                            {"body", Json(body)}};
  boost::json::object spec{{"body", Json(body_filter)}};
  return Filter::Parse(spec).Matches(input);
}

bool Matches(std::string_view filter, std::string_view input) {
  return Filter::Parse(Json(filter)).Matches(Json(input));
}

std::string ParseError(std::string_view filter) {
  try {
    Filter::Parse(Json(filter));
  } catch (const FilterError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(FilterTest, EmptyFilterMatchesEverything) {
  EXPECT_TRUE(Matches("{}", "{}"));
  EXPECT_TRUE(Matches("{}", R"({"body":{"a":1}})"));
  EXPECT_TRUE(BodyMatches("{}", "null"));
  EXPECT_TRUE(Matches(R"({"body":{}})", "{}"));  // no conditions, even on a missing body
}

TEST(FilterTest, ScalarLeavesMatchByEquality) {
  EXPECT_TRUE(BodyMatches(R"({"type":"order.created"})", R"({"type":"order.created","id":1})"));
  EXPECT_FALSE(BodyMatches(R"({"type":"order.created"})", R"({"type":"order.updated"})"));
  EXPECT_FALSE(BodyMatches(R"({"type":"order.created"})", R"({"kind":"order.created"})"));
  EXPECT_TRUE(BodyMatches(R"({"n":1})", R"({"n":1.0})"));
  EXPECT_TRUE(BodyMatches(R"({"n":18446744073709551615})", R"({"n":18446744073709551615})"));
  EXPECT_FALSE(BodyMatches(R"({"n":-1})", R"({"n":18446744073709551615})"));
  EXPECT_FALSE(BodyMatches(R"({"n":1})", R"({"n":"1"})"));
  EXPECT_TRUE(BodyMatches(R"({"ok":false})", R"({"ok":false})"));
  EXPECT_FALSE(BodyMatches(R"({"ok":false})", R"({"ok":0})"));
  EXPECT_TRUE(BodyMatches(R"({"x":null})", R"({"x":null})"));
  EXPECT_FALSE(BodyMatches(R"({"x":null})", R"({})"));  // missing is not null
  EXPECT_TRUE(BodyMatches("false", "false"));           // non-object bodies
  EXPECT_TRUE(BodyMatches(R"("text")", R"("text")"));
  EXPECT_TRUE(
      Matches(R"({"method":"POST","path":"/orders"})", R"({"method":"POST","path":"/orders"})"));
}

TEST(FilterTest, NestedObjectsMatchAsSubsets) {
  std::string body = R"({"product":{"title":"A","inventory":0,"tags":["x"]},"other":true})";
  EXPECT_TRUE(BodyMatches(R"({"product":{"inventory":0}})", body));
  EXPECT_TRUE(BodyMatches(R"({"product":{"inventory":0,"title":"A"}})", body));
  EXPECT_FALSE(BodyMatches(R"({"product":{"inventory":1}})", body));
  EXPECT_FALSE(BodyMatches(R"({"product":{"inventory":0,"missing":1}})", body));
  EXPECT_FALSE(BodyMatches(R"({"product":{"title":{"first":"A"}}})", body));
}

TEST(FilterTest, ScalarAgainstArrayMeansContains) {
  EXPECT_TRUE(BodyMatches(R"({"tags":"gift"})", R"({"tags":["gift","sale"]})"));
  EXPECT_FALSE(BodyMatches(R"({"tags":"gift"})", R"({"tags":["sale"]})"));
  EXPECT_FALSE(BodyMatches(R"({"tags":"gift"})", R"({"tags":[]})"));
  EXPECT_TRUE(BodyMatches(R"({"ids":2})", R"({"ids":[1,2.0]})"));
}

TEST(FilterTest, ArrayFilterNeedsAllElements) {
  std::string body = R"({"tags":["gift","something","another"],"n":5})";
  EXPECT_TRUE(BodyMatches(R"({"tags":["gift","something"]})", body));
  EXPECT_TRUE(BodyMatches(R"({"tags":["another","gift"]})", body));  // order is free
  EXPECT_FALSE(BodyMatches(R"({"tags":["gift","missing"]})", body));
  EXPECT_TRUE(BodyMatches(R"({"tags":[]})", body));
  EXPECT_FALSE(BodyMatches(R"({"n":[5]})", body));  // an array filter needs an array
  EXPECT_FALSE(BodyMatches(R"({"x":[]})", body));
  EXPECT_TRUE(BodyMatches(R"({"tags":[{"$startsWith":"some"}]})", body));
  EXPECT_FALSE(BodyMatches(R"({"tags":[{"$startsWith":"none"}]})", body));
  EXPECT_TRUE(BodyMatches(R"({"m":[[1,2]]})", R"({"m":[[1,2,3],[4]]})"));
}

TEST(FilterTest, ObjectFilterAgainstArrayMatchesOneElement) {
  std::string body = R"({"items":[{"id":1,"sku":"a"},{"id":2,"sku":"b"},"loose"]})";
  EXPECT_TRUE(BodyMatches(R"({"items":{"id":2}})", body));
  EXPECT_TRUE(BodyMatches(R"({"items":{"id":2,"sku":"b"}})", body));
  EXPECT_FALSE(BodyMatches(R"({"items":{"id":2,"sku":"a"}})", body));  // same element needed
  EXPECT_TRUE(BodyMatches(R"({"items":[{"id":1},{"sku":"b"}]})", body));
  EXPECT_TRUE(BodyMatches(R"({"items":{"id":{"$gt":1}}})", body));
  EXPECT_FALSE(BodyMatches(R"({"items":{"id":{"$gt":2}}})", body));
}

TEST(FilterTest, MissingParentsGiveMissingFields) {
  EXPECT_FALSE(BodyMatches(R"({"data":{"id":1}})", R"({})"));
  EXPECT_FALSE(BodyMatches(R"({"data":{"id":1}})", R"({"data":"string"})"));
  EXPECT_TRUE(BodyMatches(R"({"data":{"id":{"$exist":false}}})", R"({})"));
  EXPECT_TRUE(BodyMatches(R"({"data":{"id":{"$exist":false}}})", R"({"data":5})"));
  EXPECT_FALSE(BodyMatches(R"({"data":{"id":{"$exist":false}}})", R"({"data":{"id":null}})"));
  EXPECT_FALSE(Matches(R"({"body":{"a":1}})", R"({"method":"GET"})"));
}

TEST(FilterTest, EqAndNeqCompareExactly) {
  EXPECT_TRUE(BodyMatches(R"({"a":{"$eq":"x"}})", R"({"a":"x"})"));
  EXPECT_FALSE(BodyMatches(R"({"a":{"$eq":"x"}})", R"({"a":["x"]})"));  // no array expansion
  EXPECT_TRUE(BodyMatches(R"({"a":{"$eq":["x","y"]}})", R"({"a":["x","y"]})"));
  EXPECT_FALSE(BodyMatches(R"({"a":{"$eq":["x","y"]}})", R"({"a":["y","x"]})"));
  EXPECT_FALSE(BodyMatches(R"({"a":{"$eq":["x"]}})", R"({"a":["x","y"]})"));
  EXPECT_TRUE(BodyMatches(R"({"a":{"$eq":{"b":1,"c":[2]}}})", R"({"a":{"c":[2.0],"b":1}})"));
  EXPECT_FALSE(BodyMatches(R"({"a":{"$eq":{"b":1}}})", R"({"a":{"b":1,"c":2}})"));
  EXPECT_TRUE(BodyMatches(R"({"a":{"$eq":{"$lit":1}}})", R"({"a":{"$lit":1}})"));  // literal
  EXPECT_TRUE(BodyMatches(R"({"a":{"$eq":null}})", R"({"a":null})"));
  EXPECT_FALSE(BodyMatches(R"({"a":{"$eq":null}})", R"({})"));
  EXPECT_TRUE(BodyMatches(R"({"a":{"$neq":"x"}})", R"({"a":"y"})"));
  EXPECT_FALSE(BodyMatches(R"({"a":{"$neq":"x"}})", R"({"a":"x"})"));
  EXPECT_FALSE(BodyMatches(R"({"a":{"$neq":1}})", R"({"a":1.0})"));
  EXPECT_TRUE(BodyMatches(R"({"a":{"$neq":"x"}})", R"({})"));  // missing is "not x"
  EXPECT_TRUE(BodyMatches(R"({"a":{"$neq":"x"}})", R"({"a":["x"]})"));
}

TEST(FilterTest, InAndNin) {
  EXPECT_TRUE(BodyMatches(R"({"type":{"$in":["a","b"]}})", R"({"type":"b"})"));
  EXPECT_FALSE(BodyMatches(R"({"type":{"$in":["a","b"]}})", R"({"type":"c"})"));
  EXPECT_FALSE(BodyMatches(R"({"type":{"$in":["a","b"]}})", R"({})"));
  EXPECT_FALSE(BodyMatches(R"({"type":{"$in":[]}})", R"({"type":"a"})"));
  EXPECT_TRUE(BodyMatches(R"({"n":{"$in":[1,{"x":1}]}})", R"({"n":{"x":1.0}})"));
  EXPECT_TRUE(BodyMatches(R"({"tags":{"$in":["a","b"]}})", R"({"tags":["c","b"]})"));
  EXPECT_FALSE(BodyMatches(R"({"tags":{"$in":["a","b"]}})", R"({"tags":["c"]})"));
  EXPECT_TRUE(BodyMatches(R"({"type":{"$nin":["a","b"]}})", R"({"type":"c"})"));
  EXPECT_FALSE(BodyMatches(R"({"type":{"$nin":["a","b"]}})", R"({"type":"a"})"));
  EXPECT_TRUE(BodyMatches(R"({"type":{"$nin":["a"]}})", R"({})"));
  EXPECT_FALSE(BodyMatches(R"({"tags":{"$nin":["spam"]}})", R"({"tags":["ok","spam"]})"));
}

TEST(FilterTest, OrderingComparesNumbersWithNumbersAndStringsWithStrings) {
  EXPECT_TRUE(BodyMatches(R"({"amount":{"$gte":100}})", R"({"amount":100})"));
  EXPECT_TRUE(BodyMatches(R"({"amount":{"$gte":100}})", R"({"amount":100.5})"));
  EXPECT_FALSE(BodyMatches(R"({"amount":{"$gte":100}})", R"({"amount":99.9})"));
  EXPECT_TRUE(BodyMatches(R"({"amount":{"$gt":1.5}})", R"({"amount":2})"));
  EXPECT_FALSE(BodyMatches(R"({"amount":{"$gt":2}})", R"({"amount":2})"));
  EXPECT_TRUE(BodyMatches(R"({"amount":{"$lt":0}})", R"({"amount":-3})"));
  EXPECT_TRUE(BodyMatches(R"({"amount":{"$lte":-3}})", R"({"amount":-3.0})"));
  EXPECT_FALSE(BodyMatches(R"({"amount":{"$lte":-4}})", R"({"amount":-3})"));
  // int64 against uint64 beyond int64's range, exactly.
  EXPECT_TRUE(BodyMatches(R"({"n":{"$gt":-1}})", R"({"n":18446744073709551615})"));
  EXPECT_TRUE(BodyMatches(R"({"n":{"$lt":18446744073709551615}})", R"({"n":9223372036854775807})"));
  EXPECT_TRUE(BodyMatches(R"({"n":{"$gt":9007199254740992}})", R"({"n":9007199254740993})"));
  // ISO 8601 timestamps compare as strings.
  std::string body = R"({"at":"2026-03-01T10:00:00Z"})";
  EXPECT_TRUE(BodyMatches(R"({"at":{"$gte":"2026-03-01T00:00:00Z"}})", body));
  EXPECT_TRUE(BodyMatches(R"({"at":{"$lt":"2026-03-02T00:00:00Z"}})", body));
  EXPECT_FALSE(BodyMatches(R"({"at":{"$gt":"2026-03-01T10:00:00Z"}})", body));
  EXPECT_TRUE(BodyMatches(R"({"s":{"$gt":"a"}})", R"({"s":"\u00e9"})"));  // bytewise (UTF-8)
  // Never across types, never on arrays or missing values.
  EXPECT_FALSE(BodyMatches(R"({"amount":{"$gte":100}})", R"({"amount":"150"})"));
  EXPECT_FALSE(BodyMatches(R"({"amount":{"$lt":"150"}})", R"({"amount":100})"));
  EXPECT_FALSE(BodyMatches(R"({"amount":{"$gte":0}})", R"({"amount":true})"));
  EXPECT_FALSE(BodyMatches(R"({"amount":{"$gte":0}})", R"({"amount":null})"));
  EXPECT_FALSE(BodyMatches(R"({"amount":{"$gte":0}})", R"({"amount":[5]})"));
  EXPECT_FALSE(BodyMatches(R"({"amount":{"$lt":10}})", R"({})"));
}

TEST(FilterTest, ExistChecksPresence) {
  EXPECT_TRUE(BodyMatches(R"({"a":{"$exist":true}})", R"({"a":0})"));
  EXPECT_TRUE(BodyMatches(R"({"a":{"$exist":true}})", R"({"a":null})"));
  EXPECT_FALSE(BodyMatches(R"({"a":{"$exist":true}})", R"({"b":1})"));
  EXPECT_TRUE(BodyMatches(R"({"a":{"$exist":false}})", R"({"b":1})"));
  EXPECT_FALSE(BodyMatches(R"({"a":{"$exist":false}})", R"({"a":null})"));
  EXPECT_TRUE(Matches(R"({"body":{"$exist":false}})", R"({"method":"GET"})"));
}

TEST(FilterTest, StartsWithAndEndsWith) {
  std::string body = R"({"ref":"refs/heads/main","n":5,"list":["refs/x"]})";
  EXPECT_TRUE(BodyMatches(R"({"ref":{"$startsWith":"refs/heads/"}})", body));
  EXPECT_FALSE(BodyMatches(R"({"ref":{"$startsWith":"heads"}})", body));
  EXPECT_TRUE(BodyMatches(R"({"ref":{"$endsWith":"/main"}})", body));
  EXPECT_FALSE(BodyMatches(R"({"ref":{"$endsWith":"heads"}})", body));
  EXPECT_TRUE(BodyMatches(R"({"ref":{"$startsWith":""}})", body));
  EXPECT_FALSE(BodyMatches(R"({"n":{"$startsWith":"5"}})", body));
  EXPECT_FALSE(BodyMatches(R"({"list":{"$startsWith":"refs"}})", body));
  EXPECT_FALSE(BodyMatches(R"({"none":{"$endsWith":""}})", body));
}

TEST(FilterTest, ContainsWorksOnStringsAndArrays) {
  std::string body = R"({"title":"Gift Card","tags":["gift",3,{"k":1}],"n":123})";
  EXPECT_TRUE(BodyMatches(R"({"title":{"$contains":"t C"}})", body));
  EXPECT_FALSE(BodyMatches(R"({"title":{"$contains":"gift"}})", body));  // case-sensitive
  EXPECT_TRUE(BodyMatches(R"({"tags":{"$contains":"gift"}})", body));
  EXPECT_TRUE(BodyMatches(R"({"tags":{"$contains":3.0}})", body));
  EXPECT_TRUE(BodyMatches(R"({"tags":{"$contains":{"k":1}}})", body));
  EXPECT_FALSE(BodyMatches(R"({"tags":{"$contains":"gif"}})", body));  // elements, not substrings
  EXPECT_FALSE(BodyMatches(R"({"title":{"$contains":1}})", body));
  EXPECT_FALSE(BodyMatches(R"({"n":{"$contains":"2"}})", body));
  EXPECT_FALSE(BodyMatches(R"({"none":{"$contains":""}})", body));
}

TEST(FilterTest, LogicalOperators) {
  std::string body = R"({"status":"pending","amount":250,"team":"t1"})";
  EXPECT_TRUE(BodyMatches(R"({"status":{"$or":["active","pending"]}})", body));
  EXPECT_FALSE(BodyMatches(R"({"status":{"$or":["active","closed"]}})", body));
  EXPECT_TRUE(BodyMatches(R"({"$or":[{"status":"active"},{"amount":{"$gt":200}}]})", body));
  EXPECT_FALSE(BodyMatches(R"({"$or":[{"status":"active"},{"amount":{"$gt":300}}]})", body));
  EXPECT_TRUE(BodyMatches(R"({"amount":{"$and":[{"$gte":100},{"$lte":500}]}})", body));
  EXPECT_FALSE(BodyMatches(R"({"amount":{"$and":[{"$gte":100},{"$lte":200}]}})", body));
  EXPECT_TRUE(BodyMatches(R"({"amount":{"$gte":100,"$lte":500}})", body));  // implicit and
  EXPECT_FALSE(BodyMatches(R"({"amount":{"$gte":100,"$lte":200}})", body));
  EXPECT_TRUE(BodyMatches(R"({"$not":{"status":"deleted"}})", body));
  EXPECT_FALSE(BodyMatches(R"({"$not":{"status":"pending"}})", body));
  EXPECT_TRUE(BodyMatches(R"({"status":{"$not":{"$startsWith":"act"}}})", body));
  EXPECT_TRUE(BodyMatches(R"({"missing":{"$not":"x"}})", body));
  EXPECT_TRUE(BodyMatches(R"({"status":"pending","$not":{"$or":[{"team":"t2"},{"x":1}]}})", body));
  EXPECT_FALSE(BodyMatches(R"({"status":"pending","$not":{"$or":[{"team":"t1"},{"x":1}]}})", body));
  EXPECT_TRUE(Matches(R"({"$or":[{"method":"GET"},{"body":{"a":1}}],"$not":{"path":"/x"}})",
                      R"({"method":"POST","path":"/y","body":{"a":1}})"));
  EXPECT_FALSE(
      Matches(R"({"$and":[{"method":"POST"},{"path":"/x"}]})", R"({"method":"POST","path":"/y"})"));
}

TEST(FilterTest, OperatorsAndFieldsCombine) {
  std::string body = R"({"data":{"id":7,"kind":"a"},"url":"https://x"})";
  EXPECT_TRUE(BodyMatches(R"({"data":{"$exist":true,"id":7}})", body));
  EXPECT_FALSE(BodyMatches(R"({"data":{"$exist":false,"id":7}})", body));
  EXPECT_TRUE(BodyMatches(R"({"url":{"$exist":true,"$startsWith":"https://"}})", body));
  EXPECT_TRUE(BodyMatches(R"({"data":{"kind":{"$in":["a","b"]},"id":{"$gt":5}}})", body));
}

TEST(FilterTest, HeaderNamesMatchCaseInsensitively) {
  std::string input = R"({"headers":{"x-github-event":"push","content-type":"application/json"}})";
  EXPECT_TRUE(Matches(R"({"headers":{"X-GitHub-Event":"push"}})", input));
  EXPECT_TRUE(Matches(R"({"headers":{"x-github-event":"push"}})", input));
  EXPECT_FALSE(Matches(R"({"headers":{"X-GitHub-Event":"Push"}})", input));  // values are exact
  EXPECT_TRUE(Matches(
      R"({"headers":{"$or":[{"X-Other":"1"},{"Content-Type":{"$contains":"json"}}]}})", input));
  EXPECT_TRUE(Matches(R"({"headers":{"X-Missing":{"$exist":false}}})", input));
  // Only header names: body keys stay case-sensitive.
  EXPECT_FALSE(BodyMatches(R"({"Type":"a"})", R"({"type":"a"})"));
  // The stored spec keeps the caller's spelling.
  Filter filter = Filter::Parse(Json(R"({"headers":{"X-GitHub-Event":"push"}})"));
  EXPECT_EQ(boost::json::serialize(filter.spec()), R"({"headers":{"X-GitHub-Event":"push"}})");
}

TEST(FilterTest, ApiExample) {
  Filter filter = Filter::Parse(
      Json(R"({"headers":{"x-github-event":"push"}, "body":{"amount":{"$gte":100}}})"));
  Filter copy = filter;  // copies share the compiled tree
  EXPECT_TRUE(copy.Matches(Json(R"({"headers":{"x-github-event":"push"},"body":{"amount":150}})")));
  EXPECT_FALSE(
      filter.Matches(Json(R"({"headers":{"x-github-event":"push"},"body":{"amount":5}})")));
  EXPECT_FALSE(filter.Matches(Json(R"({"headers":{},"body":{"amount":150}})")));
}

TEST(FilterErrorTest, MessagesNameTheOperatorAndPath) {
  EXPECT_EQ(ParseError("[]"), "a filter must be a JSON object");
  EXPECT_EQ(ParseError(R"("x")"), "a filter must be a JSON object");
  EXPECT_EQ(ParseError(R"({"body":{"amount":{"$foo":1}}})"),
            "unknown operator '$foo' at body.amount");
  EXPECT_EQ(ParseError(R"({"$foo":1})"), "unknown operator '$foo' at top level");
  EXPECT_EQ(ParseError(R"({"body":{"$or":[{"a":1},{"b":{"$Eq":1}}]}})"),
            "unknown operator '$Eq' at body.$or[1].b");
  EXPECT_EQ(ParseError(R"({"body":{"$not":{"$bad":1}}})"), "unknown operator '$bad' at body.$not");
  EXPECT_EQ(ParseError(R"({"body":{"tags":["a",{"$bad":1}]}})"),
            "unknown operator '$bad' at body.tags[1]");
  EXPECT_EQ(ParseError(R"({"body":{"type":{"$in":"a"}}})"), "'$in' at body.type needs an array");
  EXPECT_EQ(ParseError(R"({"body":{"type":{"$nin":{}}}})"), "'$nin' at body.type needs an array");
  for (std::string op : {"$gt", "$gte", "$lt", "$lte"}) {
    EXPECT_EQ(ParseError(R"({"body":{"n":{")" + op + R"(":true}}})"),
              "'" + op + "' at body.n needs a number or a string");
  }
  EXPECT_EQ(ParseError(R"({"query":{"q":{"$gt":[1]}}})"),
            "'$gt' at query.q needs a number or a string");
  EXPECT_EQ(ParseError(R"({"body":{"a":{"$exist":"yes"}}})"),
            "'$exist' at body.a needs true or false");
  EXPECT_EQ(ParseError(R"({"path":{"$startsWith":1}})"), "'$startsWith' at path needs a string");
  EXPECT_EQ(ParseError(R"({"path":{"$endsWith":null}})"), "'$endsWith' at path needs a string");
  EXPECT_EQ(ParseError(R"({"body":{"$or":[]}})"),
            "'$or' at body needs a non-empty array of filters");
  EXPECT_EQ(ParseError(R"({"body":{"$and":{"a":1}}})"),
            "'$and' at body needs a non-empty array of filters");
  EXPECT_EQ(ParseError(R"({"$or":"x"})"), "'$or' at top level needs a non-empty array of filters");
}

TEST(FilterErrorTest, TopLevelHasAFixedShape) {
  EXPECT_EQ(ParseError(R"({"bdy":{"a":1}})"),
            "unknown field 'bdy' at top level (expected method, path, query, headers or body)");
  EXPECT_EQ(ParseError(R"({"$or":[{"body":{}},{"Body":{}}]})"),
            "unknown field 'Body' at $or[1] (expected method, path, query, headers or body)");
  EXPECT_EQ(ParseError(R"({"$eq":{}})"),
            "'$eq' at top level must be inside a field (method, path, query, headers or body)");
  EXPECT_EQ(ParseError(R"({"$not":{"$exist":true}})"),
            "'$exist' at $not must be inside a field (method, path, query, headers or body)");
  EXPECT_EQ(ParseError(R"({"$or":["x"]})"), "the filter at $or[0] must be a JSON object");
  EXPECT_EQ(ParseError(R"({"$not":5})"), "the filter at $not must be a JSON object");
  // Below the top level any key is allowed, and operators may be used directly.
  EXPECT_EQ(ParseError(R"({"body":{"bdy":{"$exist":true}},"method":{"$in":["GET"]}})"),
            "(no error)");
}

TEST(FilterErrorTest, RejectsPathologicalSpecs) {
  std::string deep = "1";
  for (int i = 0; i < 40; ++i) deep = R"({"a":)" + deep + "}";
  std::string message = ParseError(R"({"body":)" + deep + "}");
  EXPECT_EQ(message.rfind("the filter is nested more than 32 levels deep at body.a.a.", 0), 0u)
      << message;

  std::string literal = "1";
  for (int i = 0; i < 40; ++i) literal = "[" + literal + "]";
  message = ParseError(R"({"body":{"$eq":)" + literal + "}}");
  EXPECT_EQ(message.rfind("the filter is nested more than 32 levels deep at body.$eq[0]", 0), 0u)
      << message;

  std::string ok = "1";
  for (int i = 0; i < 30; ++i) ok = R"({"a":)" + ok + "}";
  EXPECT_EQ(ParseError(R"({"body":)" + ok + "}"), "(no error)");  // 32 levels with the root

  std::string many = "[0";
  for (int i = 1; i < 1000; ++i) many += "," + std::to_string(i);
  many += "]";
  message = ParseError(R"({"body":{"n":{"$in":)" + many + "}}}");
  EXPECT_EQ(message, "the filter has more than 1000 values (limit reached at body.n.$in[996])");
  message = ParseError(R"({"body":{"n":)" + many + "}}");
  EXPECT_EQ(message, "the filter has more than 1000 values (limit reached at body.n[997])");
}

// Found by tests/fuzz/filter_fuzz: Boost.JSON reads 1e400 as infinity and serializes it as
// "Infinity", so such a filter was accepted but stored as text that is not JSON (every later
// read of the connection or replay job failed).
TEST(FilterErrorTest, RejectsNumbersBeyondTheDoubleRange) {
  EXPECT_EQ(ParseError(R"({"body":{"amount":{"$gt":1e400}}})"),
            "the number at body.amount.$gt is out of range");
  EXPECT_EQ(ParseError(R"({"body":{"n":-1e309}})"), "the number at body.n is out of range");
  EXPECT_EQ(ParseError(R"({"body":{"n":{"$in":[1,[2e999]]}}})"),
            "the number at body.n.$in[1][0] is out of range");
  EXPECT_EQ(ParseError(R"({"body":{"n":{"$lt":1.7976931348623157e308,"$gt":1e-400}}})"),
            "(no error)");  // the largest double, and an underflow to 0
}

// FilterInput.

Event SampleEvent() {
  Event event;
  event.id = "evt_1";
  event.method = "POST";
  event.path = "/hooks/github";
  event.query = "a=1&b=x+y%21&a=2&flag&e=%C3%A9";
  event.headers = {{"Content-Type", "application/json"},
                   {"X-GitHub-Event", "push"},
                   {"Accept", "a/b"},
                   {"ACCEPT", "c/d"},
                   {"X-Binary", std::string("ok\xff", 3)}};
  event.body = R"({"ref":"refs/heads/main","commits":[{"id":"c1"}],"amount":100})";
  event.size = static_cast<std::int64_t>(event.body.size());
  return event;
}

TEST(FilterInputTest, BuildsMethodPathHeadersQueryAndJsonBody) {
  boost::json::object input = FilterInput(SampleEvent());
  EXPECT_EQ(boost::json::serialize(input),
            R"({"method":"POST","path":"/hooks/github",)"
            R"("query":{"a":["1","2"],"b":"x y!","flag":"","e":")"
            "\xC3\xA9"
            R"("},)"
            R"("headers":{"content-type":"application/json","x-github-event":"push",)"
            R"("accept":"a/b, c/d","x-binary":"ok)"
            "\xEF\xBF\xBD"
            R"("},)"
            R"("body":{"ref":"refs/heads/main","commits":[{"id":"c1"}],"amount":100}})")
      << boost::json::serialize(input);
}

TEST(FilterInputTest, BodyFallsBackToTextOrNull) {
  Event event = SampleEvent();
  event.body = "name=value&x=1";
  EXPECT_EQ(FilterInput(event).at("body"), boost::json::value("name=value&x=1"));
  event.body = R"({"truncated":)";
  EXPECT_EQ(FilterInput(event).at("body"), boost::json::value(R"({"truncated":)"));
  event.body = " 42 ";
  EXPECT_EQ(FilterInput(event).at("body"), boost::json::value(42));
  event.body = std::string("\x89PNG\r\n\x1a\n\x00\xff", 10);
  EXPECT_TRUE(FilterInput(event).at("body").is_null());
  event.body = "";
  EXPECT_TRUE(FilterInput(event).at("body").is_null());
  event.body = std::string(100, '[') + std::string(100, ']');  // deeper than the parse limit
  EXPECT_TRUE(FilterInput(event).at("body").is_string());
}

TEST(FilterInputTest, InvalidQueryGivesEmptyObject) {
  Event event = SampleEvent();
  event.query = "a=%zz";
  EXPECT_TRUE(FilterInput(event).at("query").as_object().empty());
  event.query = "";
  EXPECT_TRUE(FilterInput(event).at("query").as_object().empty());
}

TEST(FilterInputTest, FiltersMatchTheBuiltInput) {
  boost::json::value input = FilterInput(SampleEvent());
  auto matches = [&](std::string_view filter) {
    return Filter::Parse(Json(filter)).Matches(input);
  };
  EXPECT_TRUE(matches(R"({"headers":{"X-GitHub-Event":"push"},"body":{"amount":{"$gte":100}}})"));
  EXPECT_TRUE(matches(R"({"query":{"a":"2","b":"x y!"},"method":"POST"})"));
  EXPECT_TRUE(matches(R"({"headers":{"accept":{"$contains":"c/d"}}})"));
  EXPECT_TRUE(matches(R"({"body":{"commits":{"id":"c1"}},"path":{"$startsWith":"/hooks/"}})"));
  EXPECT_FALSE(matches(R"({"query":{"a":"3"}})"));
  EXPECT_FALSE(matches(R"({"query":{"a":{"$gt":1}}})"));  // query values are strings

  Event text = SampleEvent();
  text.body = "plain text body";
  input = FilterInput(text);
  EXPECT_TRUE(matches(R"({"body":{"$contains":"text"}})"));
  EXPECT_FALSE(matches(R"({"body":{"ref":{"$exist":true}}})"));
}

}  // namespace
}  // namespace rehook
