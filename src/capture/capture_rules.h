#pragma once
// What a source asks of the requests it captures, kept in its config JSON:
//   {"verification": {...}, "dedup": {...}}   (either may be absent)
// See signature_verifier.h and dedup_rule.h for each part.

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/dedup_rule.h"
#include "capture/signature_verifier.h"

namespace rehook {

struct CaptureRules {
  std::optional<SourceVerification> verification;
  std::optional<DedupRule> dedup;
};

// Removes the headers that carry a credential of the source rather than the webhook: the token
// of header_token verification. It is neither stored (so no API reader sees it) nor forwarded
// to destinations or replay targets. HMAC signatures stay: they prove, they do not unlock.
void RemoveCredentialHeaders(const CaptureRules& rules, std::vector<HeaderField>& headers);

// Applies the "verification" and "dedup" fields of a POST or PATCH /v1/sources body: an object
// sets the option, null removes it, absence keeps it. Throws SourceConfigError.
void ApplyCaptureRuleFields(const boost::json::object& body, CaptureRules& rules);

// Reads a source's stored config ("{}": no rules). Throws SourceConfigError.
CaptureRules ParseCaptureRules(std::string_view config_json);
// The stored form ParseCaptureRules reads back, secrets included.
std::string CaptureRulesToConfigJson(const CaptureRules& rules);
// Adds "verification" and "dedup" (null when unset) to a source's API JSON; secrets left out.
void AddCaptureRulesJson(const CaptureRules& rules, boost::json::object& json);

}  // namespace rehook
