#include "delivery/webhook_signer.h"

#include <array>
#include <stdexcept>
#include <utility>

#include "common/encoding.h"
#include "common/random.h"

namespace rehook {
namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr std::size_t kNewSecretBytes = 32;

}  // namespace

std::optional<std::string> DecodeWebhookSecret(std::string_view secret) {
  if (secret.starts_with(kSecretPrefix)) secret.remove_prefix(kSecretPrefix.size());
  std::optional<std::string> key = Base64Decode(secret);
  if (!key || key->empty()) return std::nullopt;
  return key;
}

std::string NewWebhookSecret() {
  std::array<std::uint8_t, kNewSecretBytes> bytes;
  FillRandom(bytes.data(), bytes.size());
  return std::string(kSecretPrefix) +
         Base64Encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string StandardWebhooksSignature(std::string_view key, std::string_view message_id,
                                      std::string_view timestamp, std::string_view body) {
  // One contiguous buffer because HmacSha256 takes a single input; the copy of the body is
  // bounded by the capture size limit.
  std::string content;
  content.reserve(message_id.size() + timestamp.size() + body.size() + 2);
  content.append(message_id).append(".").append(timestamp).append(".").append(body);
  return Base64Encode(HmacSha256(key, content));
}

WebhookSigner::WebhookSigner(std::string_view secret) {
  std::optional<std::string> key = DecodeWebhookSecret(secret);
  if (!key) {
    throw std::invalid_argument(
        "'secret' must be a Standard Webhooks secret: 'whsec_' followed by base64");
  }
  key_ = std::move(*key);
}

std::string WebhookSigner::Signature(std::string_view message_id, std::int64_t timestamp,
                                     std::string_view body) const {
  return "v1," + StandardWebhooksSignature(key_, message_id, std::to_string(timestamp), body);
}

std::vector<HeaderField> WebhookSigner::Headers(std::string_view message_id, std::int64_t timestamp,
                                                std::string_view body) const {
  std::vector<HeaderField> headers;
  headers.push_back({"webhook-id", std::string(message_id)});
  headers.push_back({"webhook-timestamp", std::to_string(timestamp)});
  headers.push_back({"webhook-signature", Signature(message_id, timestamp, body)});
  return headers;
}

}  // namespace rehook
