#pragma once
// Checks that a captured request really comes from the party a source expects. A source may
// require a shared header token or one provider's HMAC signature; the check runs on the raw
// captured bytes, before anything parses them, since re-serialised JSON would not match.
//
// The configuration is part of a source's config JSON under "verification", e.g.
//   {"kind":"stripe","secret":"whsec_...","tolerance_seconds":300}
//   {"kind":"header_token","header_name":"X-Token","secret":"s3cret"}
// plus "on_failure": "reject" (default: answer 401, store nothing) or "record" (store the request
// with verified:false, forward nothing; for rolling verification out without losing webhooks).
//
// Repeated headers: every occurrence of the signature header contributes candidate signatures and
// the request passes when any candidate matches, but the HMAC itself is computed once per request,
// so repeating a header cannot multiply the hashing work over a large body. Headers that feed the
// signed content (webhook-id, webhook-timestamp, Stripe's t=) may repeat only with one value.
//
// Secrets and signatures are compared only with ConstantTimeEquals.

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "capture/source_config_error.h"
#include "domain/event.h"

namespace rehook {

enum class VerificationKind {
  // `header_name` must carry exactly `secret` (compared in constant time, length included).
  header_token,
  // Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]; hex HMAC-SHA256 of "{t}.{body}" keyed with
  // the whole secret string ("whsec_..." as Stripe shows it; Stripe does not base64-decode it).
  stripe,
  // X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>.
  github,
  // X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>.
  shopify,
  // webhook-id, webhook-timestamp, webhook-signature: space-separated "v1,<base64>" entries over
  // "{id}.{timestamp}.{body}", keyed with the base64-decoded "whsec_" secret.
  standard_webhooks,
};

// The JSON name of a kind ("header_token", "stripe", ...), and back.
std::string_view VerificationKindName(VerificationKind kind);
std::optional<VerificationKind> ParseVerificationKind(std::string_view name);

inline constexpr std::int64_t kDefaultSignatureToleranceSeconds = 300;

struct SourceVerification {
  VerificationKind kind = VerificationKind::header_token;
  // The expected token for header_token; the signing secret for the HMAC kinds.
  std::string secret;
  // header_token only: the header that carries the token.
  std::string header_name;
  // stripe and standard_webhooks: how far the signed timestamp may be from now, either way.
  std::int64_t tolerance_seconds = kDefaultSignatureToleranceSeconds;
  // on_failure "record": a request that fails is stored with verified:false instead of refused.
  bool record_failures = false;
};

// Reads and validates the JSON object found at `field` (of POST/PATCH /v1/sources, or of a stored
// config). Throws SourceConfigError. Fields that do not apply to the kind are ignored and
// not kept (as the API ignores unknown fields).
SourceVerification ParseSourceVerification(const boost::json::value& json,
                                           std::string_view field = "verification");

// The JSON form ParseSourceVerification reads back; only the fields that apply to the kind.
// The secret is written only when `include_secret` (storage), not for API replies.
boost::json::object SourceVerificationToJson(const SourceVerification& verification,
                                             bool include_secret);

// The outcome of a check: ok, or a reason a person can act on ("missing Stripe-Signature header",
// "timestamp outside the 300 s tolerance", "signature mismatch"). Reasons never contain secrets
// or expected signatures.
class VerificationResult {
 public:
  static VerificationResult Ok() { return VerificationResult(std::string()); }
  static VerificationResult Failed(std::string reason) {
    if (reason.empty()) reason = "verification failed";  // an empty reason would read as ok
    return VerificationResult(std::move(reason));
  }

  bool ok() const { return reason_.empty(); }
  explicit operator bool() const { return ok(); }
  // Empty when ok().
  const std::string& reason() const { return reason_; }

 private:
  explicit VerificationResult(std::string reason) : reason_(std::move(reason)) {}
  std::string reason_;
};

// Checks one captured request against `verification`. Header names match case-insensitively;
// `now` is unix seconds from the injected clock; `body` is the exact captured bytes.
VerificationResult VerifySignature(const SourceVerification& verification,
                                   const std::vector<HeaderField>& headers, std::string_view body,
                                   std::int64_t now);

}  // namespace rehook
