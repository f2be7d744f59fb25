#include "delivery/webhook_signer.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "common/encoding.h"

namespace rehook {
namespace {

// The Standard Webhooks reference vector: TestWebhookSign in
// github.com/standard-webhooks/standard-webhooks, libraries/go/webhook_test.go (the other
// reference libraries' tests use the same values). Re-checked with
// `printf '%s' 'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}' |
//  openssl dgst -sha256 -mac HMAC -macopt hexkey:<hex of the decoded key> -binary | base64`.
constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kMessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t kTimestamp = 1614265330;
constexpr std::string_view kPayload = R"({"test": 2432232314})";
constexpr std::string_view kSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

TEST(WebhookSignerTest, MatchesStandardWebhooksReferenceVector) {
  WebhookSigner signer(kSecret);
  EXPECT_EQ(signer.Signature(kMessageId, kTimestamp, kPayload), kSignature);
}

TEST(WebhookSignerTest, HeadersCarryIdTimestampAndSignature) {
  std::vector<HeaderField> headers =
      WebhookSigner(kSecret).Headers(kMessageId, kTimestamp, kPayload);
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[0].name, "webhook-id");
  EXPECT_EQ(headers[0].value, kMessageId);
  EXPECT_EQ(headers[1].name, "webhook-timestamp");
  EXPECT_EQ(headers[1].value, "1614265330");
  EXPECT_EQ(headers[2].name, "webhook-signature");
  EXPECT_EQ(headers[2].value, kSignature);
}

// The reference libraries read an unprefixed secret as the same base64 (TestWebhookPrefix in the
// Go library), so rehook does too.
TEST(WebhookSignerTest, SecretWithoutPrefixIsTheSameBase64Key) {
  WebhookSigner bare(kSecret.substr(6));
  EXPECT_EQ(bare.Signature(kMessageId, kTimestamp, kPayload), kSignature);
  EXPECT_EQ(DecodeWebhookSecret(kSecret), DecodeWebhookSecret(kSecret.substr(6)));
  EXPECT_EQ(DecodeWebhookSecret(kSecret)->size(), 24u);
}

TEST(WebhookSignerTest, SignatureCoversIdTimestampAndBody) {
  WebhookSigner signer(kSecret);
  EXPECT_NE(signer.Signature("msg_other", kTimestamp, kPayload), kSignature);
  EXPECT_NE(signer.Signature(kMessageId, kTimestamp + 1, kPayload), kSignature);
  EXPECT_NE(signer.Signature(kMessageId, kTimestamp, R"({"test": 2432232315})"), kSignature);
  EXPECT_NE(WebhookSigner("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                .Signature(kMessageId, kTimestamp, kPayload),
            kSignature);
}

TEST(WebhookSignerTest, SignsBinaryBodiesByteForByte) {
  std::string body("\x00\xff\r\n", 4);
  std::string key = *DecodeWebhookSecret(kSecret);
  std::string content = std::string(kMessageId) + ".1614265330." + body;
  EXPECT_EQ(WebhookSigner(kSecret).Signature(kMessageId, kTimestamp, body),
            "v1," + Base64Encode(HmacSha256(key, content)));
}

TEST(WebhookSignerTest, RejectsInvalidSecrets) {
  EXPECT_FALSE(DecodeWebhookSecret("").has_value());
  EXPECT_FALSE(DecodeWebhookSecret("whsec_").has_value());
  EXPECT_FALSE(DecodeWebhookSecret("whsec_not base64!").has_value());
  EXPECT_FALSE(DecodeWebhookSecret("whsec_abc").has_value());  // not a multiple of 4
  EXPECT_THROW(WebhookSigner("whsec_%%%%"), std::invalid_argument);
  try {
    WebhookSigner signer("whsec_");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("'secret'"), std::string::npos);
  }
}

TEST(WebhookSignerTest, NewSecretsAreRandomAndUsable) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    std::string secret = NewWebhookSecret();
    ASSERT_TRUE(secret.starts_with("whsec_")) << secret;
    std::optional<std::string> key = DecodeWebhookSecret(secret);
    ASSERT_TRUE(key.has_value()) << secret;
    EXPECT_EQ(key->size(), 32u);
    EXPECT_NO_THROW(WebhookSigner{secret});
    seen.insert(secret);
  }
  EXPECT_EQ(seen.size(), 20u);
}

}  // namespace
}  // namespace rehook
