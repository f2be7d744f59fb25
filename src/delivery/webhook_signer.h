#pragma once
// Standard Webhooks signatures (https://www.standardwebhooks.com) for outbound deliveries: when a
// destination has a secret, each delivery carries webhook-id, webhook-timestamp and
// webhook-signature so the receiver can check that the request came from rehook, unaltered and
// recently. The same signing code checks inbound `standard_webhooks` sources
// (capture/signature_verifier.h), so both directions agree byte for byte.
//
// Secrets follow the spec's serialization: "whsec_" followed by the standard base64 (with padding)
// of the key bytes. A secret without the prefix is read the same way, as base64 of the key, because
// that is what the reference libraries (Go, Python, JavaScript, ...) do with an unprefixed secret:
// a receiver that pastes the same string into any of them computes the same key. Text that is not
// valid base64 is refused rather than used as raw bytes, so a typo cannot silently yield a key no
// receiver will ever reproduce.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.h"

namespace rehook {

// The key bytes of a Standard Webhooks secret ("whsec_<base64>" or bare "<base64>"); nullopt when
// the base64 is invalid or decodes to nothing.
std::optional<std::string> DecodeWebhookSecret(std::string_view secret);

// A fresh secret: "whsec_" + base64 of 32 random bytes (the spec asks for 24 to 64 bytes).
// Throws std::runtime_error if the system CSPRNG fails.
std::string NewWebhookSecret();

// Base64 HMAC-SHA256, under the decoded `key`, of "{message_id}.{timestamp}.{body}": the part of a
// "v1,<signature>" entry after the comma. `timestamp` is text so that a verifier signs exactly the
// header it received.
std::string StandardWebhooksSignature(std::string_view key, std::string_view message_id,
                                      std::string_view timestamp, std::string_view body);

// Signs outbound deliveries for one destination secret. Cheap to copy; holds the decoded key.
class WebhookSigner {
 public:
  // Throws std::invalid_argument (naming 'secret') when `secret` is not a valid Standard Webhooks
  // secret; see DecodeWebhookSecret.
  explicit WebhookSigner(std::string_view secret);

  // "v1,<base64>". `message_id` must not contain '.' (the spec forbids it, since the id is
  // '.'-delimited in the signed content); rehook's ids never do. `timestamp` is unix seconds.
  std::string Signature(std::string_view message_id, std::int64_t timestamp,
                        std::string_view body) const;

  // webhook-id, webhook-timestamp and webhook-signature, in that order, with lowercase names as
  // the spec writes them. The id must stay the same across retries of one message (receivers use
  // it for idempotency); the timestamp is that of the attempt.
  std::vector<HeaderField> Headers(std::string_view message_id, std::int64_t timestamp,
                                   std::string_view body) const;

 private:
  std::string key_;
};

}  // namespace rehook
