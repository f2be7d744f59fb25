#include "capture/capture_rules.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

#include "domain/header_fields.h"

namespace rehook {

void RemoveCredentialHeaders(const CaptureRules& rules, std::vector<HeaderField>& headers) {
  if (!rules.verification || rules.verification->kind != VerificationKind::header_token) return;
  const std::string& name = rules.verification->header_name;
  std::erase_if(headers,
                [&name](const HeaderField& field) { return EqualsIgnoreCase(field.name, name); });
}

void ApplyCaptureRuleFields(const boost::json::object& body, CaptureRules& rules) {
  if (const auto* verification = body.if_contains("verification")) {
    rules.verification.reset();
    if (!verification->is_null()) rules.verification = ParseSourceVerification(*verification);
  }
  if (const auto* dedup = body.if_contains("dedup")) {
    rules.dedup.reset();
    if (!dedup->is_null()) rules.dedup = ParseDedupRule(*dedup);
  }
}

CaptureRules ParseCaptureRules(std::string_view config_json) {
  CaptureRules rules;
  boost::system::error_code error;
  boost::json::value config = boost::json::parse(config_json, error);
  if (error || !config.is_object()) {
    throw SourceConfigError("config", "the source's stored config is not a JSON object");
  }
  const boost::json::object& object = config.get_object();
  if (const auto* verification = object.if_contains("verification");
      verification && !verification->is_null()) {
    rules.verification = ParseSourceVerification(*verification);
  }
  if (const auto* dedup = object.if_contains("dedup"); dedup && !dedup->is_null()) {
    rules.dedup = ParseDedupRule(*dedup);
  }
  return rules;
}

std::string CaptureRulesToConfigJson(const CaptureRules& rules) {
  boost::json::object config;
  if (rules.verification) {
    config["verification"] = SourceVerificationToJson(*rules.verification, /*include_secret=*/true);
  }
  if (rules.dedup) config["dedup"] = DedupRuleToJson(*rules.dedup);
  return boost::json::serialize(config);
}

void AddCaptureRulesJson(const CaptureRules& rules, boost::json::object& json) {
  if (rules.verification) {
    json["verification"] = SourceVerificationToJson(*rules.verification, /*include_secret=*/false);
  } else {
    json["verification"] = nullptr;
  }
  if (rules.dedup) {
    json["dedup"] = DedupRuleToJson(*rules.dedup);
  } else {
    json["dedup"] = nullptr;
  }
}

}  // namespace rehook
