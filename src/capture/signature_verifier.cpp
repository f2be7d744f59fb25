#include "capture/signature_verifier.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

#include "capture/source_config_fields.h"
#include "common/encoding.h"
#include "common/enum_names.h"
#include "delivery/webhook_signer.h"
#include "domain/header_fields.h"

namespace rehook {
namespace {

using source_config::Fail;
using source_config::IntegerField;
using source_config::StringField;

constexpr EnumNames<VerificationKind, 5> kKindNames{{
    {VerificationKind::header_token, "header_token"},
    {VerificationKind::stripe, "stripe"},
    {VerificationKind::github, "github"},
    {VerificationKind::shopify, "shopify"},
    {VerificationKind::standard_webhooks, "standard_webhooks"},
}};

constexpr std::size_t kMaxSecretLength = 1024;
constexpr std::size_t kMaxHeaderNameLength = 256;
// A day is far beyond any provider's clock skew or retry latency; more would only widen the
// window in which a captured request can be replayed.
constexpr std::int64_t kMaxToleranceSeconds = 86400;

bool UsesTimestamp(VerificationKind kind) {
  return kind == VerificationKind::stripe || kind == VerificationKind::standard_webhooks;
}

// ---- configuration ----

// ---- headers ----

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

std::string ToLowerAscii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// Every value of the header `name`, trimmed, in arrival order.
std::vector<std::string_view> HeaderValues(const std::vector<HeaderField>& headers,
                                           std::string_view name) {
  std::vector<std::string_view> values;
  for (const HeaderField& field : headers) {
    if (EqualsIgnoreCase(field.name, name)) values.push_back(TrimWhitespace(field.value));
  }
  return values;
}

// The value of a header that feeds the signed content: repeats must agree, since otherwise which
// one was signed is ambiguous.
VerificationResult UniqueHeader(const std::vector<HeaderField>& headers, std::string_view name,
                                std::string_view* value) {
  std::vector<std::string_view> values = HeaderValues(headers, name);
  if (values.empty()) return VerificationResult::Failed("missing " + std::string(name) + " header");
  for (std::string_view other : values) {
    if (other != values.front()) {
      return VerificationResult::Failed("conflicting " + std::string(name) + " headers");
    }
  }
  *value = values.front();
  return VerificationResult::Ok();
}

// Unix seconds as decimal digits only (no sign, no spaces); at most 18 digits, so no overflow.
std::optional<std::int64_t> ParseUnixSeconds(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::int64_t seconds = 0;
  std::from_chars(text.data(), text.data() + text.size(), seconds);
  return seconds;
}

// Both directions: a timestamp far in the future would keep a captured request replayable for
// as long, so it is refused like an old one.
VerificationResult CheckTimestamp(std::int64_t timestamp, std::int64_t now,
                                  std::int64_t tolerance) {
  if (timestamp < now - tolerance || timestamp > now + tolerance) {
    return VerificationResult::Failed("timestamp outside the " + std::to_string(tolerance) +
                                      " s tolerance");
  }
  return VerificationResult::Ok();
}

// Ok when any candidate equals the expected signature. Every candidate is compared, in constant
// time each, so the timing does not tell which one matched.
VerificationResult MatchAny(const std::vector<std::string>& candidates, std::string_view expected) {
  bool match = false;
  for (const std::string& candidate : candidates) match |= ConstantTimeEquals(candidate, expected);
  return match ? VerificationResult::Ok() : VerificationResult::Failed("signature mismatch");
}

// ---- schemes ----

VerificationResult VerifyHeaderToken(const SourceVerification& config,
                                     const std::vector<HeaderField>& headers) {
  std::vector<std::string_view> values = HeaderValues(headers, config.header_name);
  if (values.empty()) {
    return VerificationResult::Failed("missing " + config.header_name + " header");
  }
  // Comparing digests rather than the tokens keeps the token's length out of the timing too.
  std::string expected = Sha256(config.secret);
  bool match = false;
  for (std::string_view value : values) match |= ConstantTimeEquals(Sha256(value), expected);
  return match
             ? VerificationResult::Ok()
             : VerificationResult::Failed(config.header_name + " header does not match the token");
}

VerificationResult VerifyGithub(const SourceVerification& config,
                                const std::vector<HeaderField>& headers, std::string_view body) {
  constexpr std::string_view kHeader = "X-Hub-Signature-256";
  constexpr std::string_view kPrefix = "sha256=";
  std::vector<std::string_view> values = HeaderValues(headers, kHeader);
  if (values.empty()) return VerificationResult::Failed("missing X-Hub-Signature-256 header");
  std::vector<std::string> candidates;
  for (std::string_view value : values) {
    if (!value.starts_with(kPrefix)) continue;
    candidates.push_back(ToLowerAscii(value.substr(kPrefix.size())));
  }
  if (candidates.empty()) {
    return VerificationResult::Failed(
        "malformed X-Hub-Signature-256 header (expected sha256=<hex>)");
  }
  return MatchAny(candidates, HexEncode(HmacSha256(config.secret, body)));
}

VerificationResult VerifyShopify(const SourceVerification& config,
                                 const std::vector<HeaderField>& headers, std::string_view body) {
  std::vector<std::string_view> values = HeaderValues(headers, "X-Shopify-Hmac-Sha256");
  if (values.empty()) return VerificationResult::Failed("missing X-Shopify-Hmac-Sha256 header");
  std::vector<std::string> candidates;
  for (std::string_view value : values) {
    std::optional<std::string> digest = Base64Decode(value);
    if (digest && digest->size() == 32) candidates.push_back(std::move(*digest));
  }
  if (candidates.empty()) {
    return VerificationResult::Failed(
        "malformed X-Shopify-Hmac-Sha256 header (expected a base64 HMAC-SHA256)");
  }
  return MatchAny(candidates, HmacSha256(config.secret, body));
}

VerificationResult VerifyStripe(const SourceVerification& config,
                                const std::vector<HeaderField>& headers, std::string_view body,
                                std::int64_t now) {
  std::vector<std::string_view> values = HeaderValues(headers, "Stripe-Signature");
  if (values.empty()) return VerificationResult::Failed("missing Stripe-Signature header");
  // Repeated Stripe-Signature headers are read as one comma-separated list (RFC 9110 §5.3).
  std::optional<std::string_view> signed_timestamp;
  std::vector<std::string> candidates;
  for (std::string_view value : values) {
    for (std::string_view item : Split(value, ',')) {
      item = TrimWhitespace(item);
      std::size_t equals = item.find('=');
      if (equals == std::string_view::npos || equals == 0) {
        return VerificationResult::Failed(
            "malformed Stripe-Signature header (expected t=<timestamp>,v1=<signature>)");
      }
      std::string_view key = item.substr(0, equals);
      std::string_view text = item.substr(equals + 1);
      if (key == "t") {
        if (signed_timestamp && *signed_timestamp != text) {
          return VerificationResult::Failed("malformed Stripe-Signature header (conflicting t=)");
        }
        signed_timestamp = text;
      } else if (key == "v1") {
        candidates.push_back(ToLowerAscii(text));
      }
      // Other schemes (v0 is Stripe's test-mode legacy) are ignored, as Stripe's libraries do.
    }
  }
  std::optional<std::int64_t> timestamp;
  if (signed_timestamp) timestamp = ParseUnixSeconds(*signed_timestamp);
  if (!timestamp) {
    return VerificationResult::Failed(
        "malformed Stripe-Signature header (expected t=<unix seconds>)");
  }
  if (candidates.empty()) {
    return VerificationResult::Failed("no v1 signature in Stripe-Signature header");
  }
  // The timestamp is checked before hashing so stale requests cost no HMAC over the body.
  if (auto result = CheckTimestamp(*timestamp, now, config.tolerance_seconds); !result) {
    return result;
  }
  std::string content;
  content.reserve(signed_timestamp->size() + 1 + body.size());
  content.append(*signed_timestamp).append(".").append(body);
  return MatchAny(candidates, HexEncode(HmacSha256(config.secret, content)));
}

VerificationResult VerifyStandardWebhooks(const SourceVerification& config,
                                          const std::vector<HeaderField>& headers,
                                          std::string_view body, std::int64_t now) {
  std::string_view id;
  std::string_view timestamp_text;
  if (auto result = UniqueHeader(headers, "webhook-id", &id); !result) return result;
  if (auto result = UniqueHeader(headers, "webhook-timestamp", &timestamp_text); !result) {
    return result;
  }
  std::vector<std::string_view> values = HeaderValues(headers, "webhook-signature");
  if (values.empty()) return VerificationResult::Failed("missing webhook-signature header");

  std::optional<std::int64_t> timestamp = ParseUnixSeconds(timestamp_text);
  if (!timestamp) {
    return VerificationResult::Failed("malformed webhook-timestamp header (expected unix seconds)");
  }
  // Entries of other versions (v1a is the asymmetric scheme) are skipped, as the spec's
  // libraries do; only v1 can be checked with a shared secret.
  std::vector<std::string> candidates;
  for (std::string_view value : values) {
    for (std::string_view entry : Split(value, ' ')) {
      if (entry.starts_with("v1,")) candidates.emplace_back(entry.substr(3));
    }
  }
  if (candidates.empty()) {
    return VerificationResult::Failed("no v1 signature in webhook-signature header");
  }
  if (auto result = CheckTimestamp(*timestamp, now, config.tolerance_seconds); !result) {
    return result;
  }
  std::optional<std::string> key = DecodeWebhookSecret(config.secret);
  if (!key) return VerificationResult::Failed("the source's secret is not a valid whsec_ secret");
  return MatchAny(candidates, StandardWebhooksSignature(*key, id, timestamp_text, body));
}

}  // namespace

std::string_view VerificationKindName(VerificationKind kind) { return NameOf(kKindNames, kind); }

std::optional<VerificationKind> ParseVerificationKind(std::string_view name) {
  return ValueOf(kKindNames, name);
}

SourceVerification ParseSourceVerification(const boost::json::value& json, std::string_view field) {
  const std::string base(field);
  const boost::json::object* object = json.if_object();
  if (!object) Fail(base, "'" + base + "' must be an object");

  SourceVerification verification;
  const std::string kind_path = base + ".kind";
  std::optional<std::string> kind_name = StringField(*object, "kind", kind_path);
  std::optional<VerificationKind> kind =
      kind_name ? ParseVerificationKind(*kind_name) : std::nullopt;
  if (!kind) {
    Fail(kind_path,
         "'" + kind_path +
             "' must be one of header_token, stripe, github, shopify, standard_webhooks");
  }
  verification.kind = *kind;
  const std::string kind_text(VerificationKindName(*kind));

  const std::string secret_path = base + ".secret";
  std::optional<std::string> secret = StringField(*object, "secret", secret_path);
  if (!secret || secret->empty()) {
    Fail(secret_path, "'" + secret_path + "' is required for " + kind_text);
  }
  if (secret->size() > kMaxSecretLength) {
    Fail(secret_path, "'" + secret_path + "' must be at most " + std::to_string(kMaxSecretLength) +
                          " characters");
  }
  if (*kind == VerificationKind::standard_webhooks && !DecodeWebhookSecret(*secret)) {
    Fail(secret_path,
         "'" + secret_path + "' must be 'whsec_' followed by base64 for standard_webhooks");
  }
  verification.secret = std::move(*secret);

  if (*kind == VerificationKind::header_token) {
    const std::string header_path = base + ".header_name";
    std::optional<std::string> header = StringField(*object, "header_name", header_path);
    if (!header || header->empty()) {
      Fail(header_path, "'" + header_path + "' is required for header_token");
    }
    if (header->size() > kMaxHeaderNameLength || !IsHeaderName(*header)) {
      Fail(header_path, "'" + header_path + "' must be a valid HTTP header name");
    }
    verification.header_name = std::move(*header);
  }

  if (UsesTimestamp(*kind)) {
    const std::string tolerance_path = base + ".tolerance_seconds";
    if (auto tolerance =
            IntegerField(*object, "tolerance_seconds", tolerance_path, 1, kMaxToleranceSeconds)) {
      verification.tolerance_seconds = *tolerance;
    }
  }

  const std::string on_failure_path = base + ".on_failure";
  if (auto on_failure = StringField(*object, "on_failure", on_failure_path)) {
    if (*on_failure != "reject" && *on_failure != "record") {
      Fail(on_failure_path, "'" + on_failure_path + "' must be 'reject' or 'record'");
    }
    verification.record_failures = *on_failure == "record";
  }
  return verification;
}

boost::json::object SourceVerificationToJson(const SourceVerification& verification,
                                             bool include_secret) {
  boost::json::object json;
  json["kind"] = VerificationKindName(verification.kind);
  if (include_secret) json["secret"] = verification.secret;
  if (verification.kind == VerificationKind::header_token) {
    json["header_name"] = verification.header_name;
  }
  if (UsesTimestamp(verification.kind)) json["tolerance_seconds"] = verification.tolerance_seconds;
  json["on_failure"] = verification.record_failures ? "record" : "reject";
  return json;
}

VerificationResult VerifySignature(const SourceVerification& verification,
                                   const std::vector<HeaderField>& headers, std::string_view body,
                                   std::int64_t now) {
  switch (verification.kind) {
    case VerificationKind::header_token:
      return VerifyHeaderToken(verification, headers);
    case VerificationKind::stripe:
      return VerifyStripe(verification, headers, body, now);
    case VerificationKind::github:
      return VerifyGithub(verification, headers, body);
    case VerificationKind::shopify:
      return VerifyShopify(verification, headers, body);
    case VerificationKind::standard_webhooks:
      return VerifyStandardWebhooks(verification, headers, body, now);
  }
  return VerificationResult::Failed("unknown verification kind");
}

}  // namespace rehook
