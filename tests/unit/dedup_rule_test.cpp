#include "capture/dedup_rule.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "capture/capture_rules.h"

namespace rehook {
namespace {

DedupRule Parse(std::string_view json) { return ParseDedupRule(boost::json::parse(json)); }

std::string FieldOfError(std::string_view json) {
  try {
    Parse(json);
  } catch (const SourceConfigError& error) {
    return error.field();
  }
  return "(accepted)";
}

TEST(DedupRuleTest, ParsesHeaderOrJsonPathWithAWindow) {
  DedupRule by_header = Parse(R"({"header":"webhook-id"})");
  EXPECT_EQ(by_header.header, "webhook-id");
  EXPECT_EQ(by_header.window_seconds, kDefaultDedupWindowSeconds);
  DedupRule by_path = Parse(R"({"json_path":"data.object.id","window_seconds":60})");
  EXPECT_EQ(by_path.json_path, "data.object.id");
  EXPECT_EQ(by_path.window_seconds, 60);
  // An integral float is an integer, as everywhere in the API.
  EXPECT_EQ(Parse(R"({"header":"id","window_seconds":60.0})").window_seconds, 60);
}

TEST(DedupRuleTest, RejectsBadConfigNamingTheField) {
  EXPECT_EQ(FieldOfError("[]"), "dedup");
  EXPECT_EQ(FieldOfError("{}"), "dedup");
  EXPECT_EQ(FieldOfError(R"({"header":"a","json_path":"b"})"), "dedup");
  EXPECT_EQ(FieldOfError(R"({"header":"bad header"})"), "dedup.header");
  EXPECT_EQ(FieldOfError(R"({"header":7})"), "dedup.header");
  EXPECT_EQ(FieldOfError(R"({"json_path":"a..b"})"), "dedup.json_path");
  EXPECT_EQ(FieldOfError(R"({"json_path":".a"})"), "dedup.json_path");
  EXPECT_EQ(FieldOfError(R"({"header":"id","window_seconds":0})"), "dedup.window_seconds");
  EXPECT_EQ(FieldOfError(R"({"header":"id","window_seconds":"60"})"), "dedup.window_seconds");
  EXPECT_EQ(FieldOfError(R"({"header":"id","window_seconds":99999999})"), "dedup.window_seconds");
}

TEST(DedupRuleTest, TakesTheKeyFromTheFirstMatchingHeader) {
  DedupRule rule = Parse(R"({"header":"Webhook-Id"})");
  EXPECT_EQ(DedupKeyOf(rule, {{"webhook-id", " msg_1 "}, {"Webhook-Id", "msg_2"}}, ""), "msg_1");
  EXPECT_EQ(DedupKeyOf(rule, {{"X-Other", "msg_1"}}, ""), std::nullopt);
  EXPECT_EQ(DedupKeyOf(rule, {{"webhook-id", "  "}}, ""), std::nullopt);
}

TEST(DedupRuleTest, TakesTheKeyFromAJsonPath) {
  DedupRule rule = Parse(R"({"json_path":"data.object.id"})");
  EXPECT_EQ(DedupKeyOf(rule, {}, R"({"data":{"object":{"id":"ch_1"}}})"), "ch_1");
  EXPECT_EQ(DedupKeyOf(rule, {}, R"({"data":{"object":{"id":42}}})"), "42");
  // No key: not JSON, path missing, not a scalar, not an object on the way.
  EXPECT_EQ(DedupKeyOf(rule, {}, "id=ch_1&x=2"), std::nullopt);
  EXPECT_EQ(DedupKeyOf(rule, {}, R"({"data":{}})"), std::nullopt);
  EXPECT_EQ(DedupKeyOf(rule, {}, R"({"data":{"object":{"id":{"a":1}}}})"), std::nullopt);
  EXPECT_EQ(DedupKeyOf(rule, {}, R"({"data":[1,2]})"), std::nullopt);
}

TEST(CaptureRulesTest, StoredConfigRoundTripsAndApiViewHidesSecrets) {
  CaptureRules rules = ParseCaptureRules(
      R"({"verification":{"kind":"github","secret":"s3cret","on_failure":"record"},)"
      R"("dedup":{"header":"X-GitHub-Delivery"}})");
  ASSERT_TRUE(rules.verification && rules.dedup);
  EXPECT_TRUE(rules.verification->record_failures);
  CaptureRules again = ParseCaptureRules(CaptureRulesToConfigJson(rules));
  ASSERT_TRUE(again.verification && again.dedup);
  EXPECT_EQ(again.verification->secret, "s3cret");
  EXPECT_TRUE(again.verification->record_failures);
  EXPECT_EQ(again.dedup->header, "X-GitHub-Delivery");

  boost::json::object view;
  AddCaptureRulesJson(again, view);
  EXPECT_FALSE(view.at("verification").as_object().contains("secret"));
  EXPECT_EQ(view.at("verification").at("on_failure").as_string(), "record");

  CaptureRules none = ParseCaptureRules("{}");
  EXPECT_FALSE(none.verification || none.dedup);
  boost::json::object empty_view;
  AddCaptureRulesJson(none, empty_view);
  EXPECT_TRUE(empty_view.at("verification").is_null());
  EXPECT_TRUE(empty_view.at("dedup").is_null());
}

}  // namespace
}  // namespace rehook
