#include "capture/signature_verifier.h"

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/encoding.h"
#include "support/provider_examples.h"

namespace rehook {
namespace {

using namespace provider_examples;

SourceVerification Config(VerificationKind kind, std::string secret) {
  SourceVerification config;
  config.kind = kind;
  config.secret = std::move(secret);
  return config;
}

void ExpectFailure(const VerificationResult& result, std::string_view reason) {
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.reason(), reason);
}

// ---- Stripe ----
VerificationResult VerifyStripe(std::vector<HeaderField> headers,
                                std::string_view body = kStripeBody,
                                std::int64_t now = kStripeTime + 100,
                                std::string secret = "webhook_secret") {
  return VerifySignature(Config(VerificationKind::stripe, std::move(secret)), headers, body, now);
}

TEST(SignatureVerifierTest, StripePublishedExample) {
  EXPECT_TRUE(VerifyStripe({{"Stripe-Signature", kStripeHeader}}).ok());
  EXPECT_TRUE(VerifyStripe({{"stripe-signature", kStripeHeader}}).ok());  // any case
  ExpectFailure(VerifyStripe({{"Stripe-Signature", kStripeHeader}}, std::string(kStripeBody) + " "),
                "signature mismatch");
  ExpectFailure(
      VerifyStripe({{"Stripe-Signature", kStripeHeader}}, kStripeBody, kStripeTime, "whsec_wrong"),
      "signature mismatch");
}

TEST(SignatureVerifierTest, StripeToleranceBothWays) {
  std::vector<HeaderField> headers = {{"Stripe-Signature", kStripeHeader}};
  EXPECT_TRUE(VerifyStripe(headers, kStripeBody, kStripeTime + 300).ok());
  EXPECT_TRUE(VerifyStripe(headers, kStripeBody, kStripeTime - 300).ok());
  ExpectFailure(VerifyStripe(headers, kStripeBody, kStripeTime + 301),
                "timestamp outside the 300 s tolerance");
  ExpectFailure(VerifyStripe(headers, kStripeBody, kStripeTime - 301),
                "timestamp outside the 300 s tolerance");
  SourceVerification config = Config(VerificationKind::stripe, "webhook_secret");
  config.tolerance_seconds = 10;
  ExpectFailure(VerifySignature(config, headers, kStripeBody, kStripeTime + 11),
                "timestamp outside the 10 s tolerance");
}

TEST(SignatureVerifierTest, StripeAcceptsAnyMatchingV1) {
  std::string rolled = "t=1533204620,v1=" + std::string(64, '0') + ",v1=" + std::string(kStripeV1);
  EXPECT_TRUE(VerifyStripe({{"Stripe-Signature", rolled}}).ok());
  // Uppercase hex and a repeated header read as one list are accepted too.
  std::string upper =
      "t=1533204620, v1=2220F87EF101A04665F11CDF770523143F875572008577FA0F20882DDB9CC3C7";
  EXPECT_TRUE(VerifyStripe({{"Stripe-Signature", upper}}).ok());
  EXPECT_TRUE(VerifyStripe({{"Stripe-Signature", "t=1533204620,v1=bad"},
                            {"Stripe-Signature", "v1=" + std::string(kStripeV1)}})
                  .ok());
  ExpectFailure(VerifyStripe({{"Stripe-Signature", "t=1533204620,v1=" + std::string(64, 'a')}}),
                "signature mismatch");
}

TEST(SignatureVerifierTest, StripeMalformedHeaders) {
  ExpectFailure(VerifyStripe({}), "missing Stripe-Signature header");
  ExpectFailure(VerifyStripe({{"X-Other", kStripeHeader}}), "missing Stripe-Signature header");
  const char* kFormat = "malformed Stripe-Signature header (expected t=<timestamp>,v1=<signature>)";
  // The malformed headers of stripe-dotnet's ValidateSignatureHandlesIncorrectHeaderValues.
  for (const char* header : {"t,v1=,v0=", "t,v1=,v0", "t,v1=,", "t,,", ",,", "t", ""}) {
    ExpectFailure(VerifyStripe({{"Stripe-Signature", header}}), kFormat);
  }
  ExpectFailure(VerifyStripe({{"Stripe-Signature", "t=,v1=" + std::string(kStripeV1)}}),
                "malformed Stripe-Signature header (expected t=<unix seconds>)");
  ExpectFailure(VerifyStripe({{"Stripe-Signature", "v1=" + std::string(kStripeV1)}}),
                "malformed Stripe-Signature header (expected t=<unix seconds>)");
  ExpectFailure(VerifyStripe({{"Stripe-Signature", "t=-5,v1=" + std::string(kStripeV1)}}),
                "malformed Stripe-Signature header (expected t=<unix seconds>)");
  ExpectFailure(VerifyStripe({{"Stripe-Signature", "t=1533204620,v0=abc"}}),
                "no v1 signature in Stripe-Signature header");
  ExpectFailure(VerifyStripe({{"Stripe-Signature", "t=1533204620,t=1533204621,v1=ab"}}),
                "malformed Stripe-Signature header (conflicting t=)");
}

// ---- GitHub ----
VerificationResult VerifyGithub(std::vector<HeaderField> headers,
                                std::string_view body = "Hello, World!",
                                std::string_view secret = kGithubSecret) {
  return VerifySignature(Config(VerificationKind::github, std::string(secret)), headers, body, 0);
}

TEST(SignatureVerifierTest, GithubPublishedExample) {
  EXPECT_TRUE(VerifyGithub({{"X-Hub-Signature-256", std::string(kGithubSignature)}}).ok());
  EXPECT_TRUE(VerifyGithub({{"x-hub-signature-256", std::string(kGithubSignature)}}).ok());
  ExpectFailure(
      VerifyGithub({{"X-Hub-Signature-256", std::string(kGithubSignature)}}, "Hello, World?"),
      "signature mismatch");
  ExpectFailure(VerifyGithub({{"X-Hub-Signature-256", std::string(kGithubSignature)}},
                             "Hello, World!", "another secret"),
                "signature mismatch");
  ExpectFailure(VerifyGithub({{"X-Hub-Signature", "sha1=abc"}}),
                "missing X-Hub-Signature-256 header");
  ExpectFailure(
      VerifyGithub({{"X-Hub-Signature-256",
                     "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"}}),
      "malformed X-Hub-Signature-256 header (expected sha256=<hex>)");
  // A repeated header passes when one occurrence matches.
  EXPECT_TRUE(VerifyGithub({{"X-Hub-Signature-256", "sha256=00"},
                            {"X-HUB-SIGNATURE-256", std::string(kGithubSignature)}})
                  .ok());
}

// ---- Shopify ----
VerificationResult VerifyShopify(std::vector<HeaderField> headers,
                                 std::string_view body = R"({"foo":"bar"})",
                                 std::string_view secret = "steffi") {
  return VerifySignature(Config(VerificationKind::shopify, std::string(secret)), headers, body, 0);
}

TEST(SignatureVerifierTest, ShopifyPublishedExample) {
  EXPECT_TRUE(VerifyShopify({{"X-Shopify-Hmac-Sha256", std::string(kShopifyHmac)}}).ok());
  EXPECT_TRUE(VerifyShopify({{"X-Shopify-Hmac-SHA256", std::string(kShopifyHmac)}}).ok());
  ExpectFailure(
      VerifyShopify({{"X-Shopify-Hmac-Sha256", std::string(kShopifyHmac)}}, R"({"foo":"baz"})"),
      "signature mismatch");
  ExpectFailure(VerifyShopify({{"X-Shopify-Hmac-Sha256", std::string(kShopifyHmac)}},
                              R"({"foo":"bar"})", "wrong"),
                "signature mismatch");
  ExpectFailure(VerifyShopify({}), "missing X-Shopify-Hmac-Sha256 header");
  ExpectFailure(VerifyShopify({{"X-Shopify-Hmac-Sha256", "whoops_this_is_wrong"}}),
                "malformed X-Shopify-Hmac-Sha256 header (expected a base64 HMAC-SHA256)");
}

// ---- Standard Webhooks ----
std::vector<HeaderField> SwHeaders(std::string_view signature = kSwSignature) {
  return {{"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
          {"webhook-timestamp", "1614265330"},
          {"webhook-signature", std::string(signature)}};
}

VerificationResult VerifySw(const std::vector<HeaderField>& headers,
                            std::string_view body = kSwBody, std::int64_t now = kSwTime,
                            std::string_view secret = kSwSecret) {
  return VerifySignature(Config(VerificationKind::standard_webhooks, std::string(secret)), headers,
                         body, now);
}

TEST(SignatureVerifierTest, StandardWebhooksReferenceVector) {
  EXPECT_TRUE(VerifySw(SwHeaders()).ok());
  EXPECT_TRUE(VerifySw(SwHeaders(), kSwBody, kSwTime, kSwSecret.substr(6)).ok());  // no prefix
  ExpectFailure(VerifySw(SwHeaders(), R"({"test": 2432232315})"), "signature mismatch");
  ExpectFailure(VerifySw(SwHeaders(), kSwBody, kSwTime, "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                "signature mismatch");
  ExpectFailure(VerifySw(SwHeaders(kSwOtherSignature)), "signature mismatch");
  std::vector<HeaderField> upper = {{"Webhook-Id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
                                    {"WEBHOOK-TIMESTAMP", "1614265330"},
                                    {"Webhook-Signature", std::string(kSwSignature)}};
  EXPECT_TRUE(VerifySw(upper).ok());
}

TEST(SignatureVerifierTest, StandardWebhooksMultipleSignatures) {
  std::string many =
      std::string(kSwOtherSignature) +
      " v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + std::string(kSwSignature) + " " +
      std::string(kSwOtherSignature);
  EXPECT_TRUE(VerifySw(SwHeaders(many)).ok());
  ExpectFailure(VerifySw(SwHeaders("v1a,abc v2,def")),
                "no v1 signature in webhook-signature header");
}

TEST(SignatureVerifierTest, StandardWebhooksToleranceAndHeaders) {
  EXPECT_TRUE(VerifySw(SwHeaders(), kSwBody, kSwTime + 300).ok());
  ExpectFailure(VerifySw(SwHeaders(), kSwBody, kSwTime + 301),
                "timestamp outside the 300 s tolerance");
  ExpectFailure(VerifySw(SwHeaders(), kSwBody, kSwTime - 301),
                "timestamp outside the 300 s tolerance");
  for (const char* name : {"webhook-id", "webhook-timestamp", "webhook-signature"}) {
    std::vector<HeaderField> headers;
    for (const HeaderField& field : SwHeaders()) {
      if (field.name != name) headers.push_back(field);
    }
    ExpectFailure(VerifySw(headers), "missing " + std::string(name) + " header");
  }
  std::vector<HeaderField> headers = SwHeaders();
  headers[1].value = "2021-02-25T15:02:10Z";
  ExpectFailure(VerifySw(headers), "malformed webhook-timestamp header (expected unix seconds)");
  headers = SwHeaders();
  headers.push_back({"webhook-timestamp", "1614265331"});
  ExpectFailure(VerifySw(headers), "conflicting webhook-timestamp headers");
}

// ---- header token ----

TEST(SignatureVerifierTest, HeaderToken) {
  SourceVerification config = Config(VerificationKind::header_token, "s3cret-token");
  config.header_name = "X-Rehook-Token";
  EXPECT_TRUE(VerifySignature(config, {{"x-rehook-token", "s3cret-token"}}, "", 0).ok());
  EXPECT_TRUE(VerifySignature(config, {{"X-Rehook-Token", " s3cret-token "}}, "", 0).ok());
  ExpectFailure(VerifySignature(config, {{"X-Rehook-Token", "s3cret-tokeN"}}, "", 0),
                "X-Rehook-Token header does not match the token");
  ExpectFailure(VerifySignature(config, {{"X-Rehook-Token", "s3cret"}}, "", 0),
                "X-Rehook-Token header does not match the token");
  ExpectFailure(VerifySignature(config, {{"Authorization", "s3cret-token"}}, "", 0),
                "missing X-Rehook-Token header");
}

// ---- configuration JSON ----

SourceVerification Parse(std::string_view json) {
  return ParseSourceVerification(boost::json::parse(json));
}

std::string ParseError(std::string_view json) {
  try {
    Parse(json);
  } catch (const SourceConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(SignatureVerifierTest, ParsesAndSerializesConfig) {
  SourceVerification stripe = Parse(R"({"kind":"stripe","secret":"whsec_x","header_name":"X"})");
  EXPECT_EQ(stripe.kind, VerificationKind::stripe);
  EXPECT_EQ(stripe.secret, "whsec_x");
  EXPECT_EQ(stripe.header_name, "");  // does not apply to stripe
  EXPECT_EQ(stripe.tolerance_seconds, 300);
  EXPECT_EQ(Parse(R"({"kind":"standard_webhooks","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                      "tolerance_seconds":60.0})")
                .tolerance_seconds,
            60);

  SourceVerification token = Parse(R"({"kind":"header_token","secret":"t","header_name":"X-T"})");
  boost::json::object stored = SourceVerificationToJson(token, true);
  EXPECT_EQ(boost::json::serialize(stored),
            R"({"kind":"header_token","secret":"t","header_name":"X-T","on_failure":"reject"})");
  SourceVerification again = ParseSourceVerification(stored);
  EXPECT_EQ(again.header_name, "X-T");
  EXPECT_EQ(again.secret, "t");
  EXPECT_EQ(boost::json::serialize(SourceVerificationToJson(stripe, false)),
            R"({"kind":"stripe","tolerance_seconds":300,"on_failure":"reject"})");
  EXPECT_FALSE(stripe.record_failures);
  SourceVerification recording = Parse(R"({"kind":"github","secret":"s","on_failure":"record"})");
  EXPECT_TRUE(recording.record_failures);
  EXPECT_TRUE(ParseSourceVerification(SourceVerificationToJson(recording, true)).record_failures);
}

TEST(SignatureVerifierTest, ConfigErrorsNameTheField) {
  EXPECT_EQ(ParseError(R"("stripe")"), "'verification' must be an object");
  EXPECT_EQ(ParseError(R"({"secret":"x"})"),
            "'verification.kind' must be one of header_token, stripe, github, shopify, "
            "standard_webhooks");
  EXPECT_EQ(ParseError(R"({"kind":"paypal","secret":"x"})"),
            "'verification.kind' must be one of header_token, stripe, github, shopify, "
            "standard_webhooks");
  EXPECT_EQ(ParseError(R"({"kind":"stripe"})"), "'verification.secret' is required for stripe");
  EXPECT_EQ(ParseError(R"({"kind":"github","secret":"s","on_failure":"drop"})"),
            "'verification.on_failure' must be 'reject' or 'record'");
  EXPECT_EQ(ParseError(R"({"kind":"github","secret":""})"),
            "'verification.secret' is required for github");
  EXPECT_EQ(ParseError(R"({"kind":"shopify","secret":42})"),
            "'verification.secret' must be a string");
  EXPECT_EQ(ParseError(R"({"kind":"standard_webhooks","secret":"not base64!"})"),
            "'verification.secret' must be 'whsec_' followed by base64 for standard_webhooks");
  EXPECT_EQ(ParseError(R"({"kind":"header_token","secret":"x"})"),
            "'verification.header_name' is required for header_token");
  EXPECT_EQ(ParseError(R"({"kind":"header_token","secret":"x","header_name":"X Token"})"),
            "'verification.header_name' must be a valid HTTP header name");
  for (const char* tolerance : {"0", "-1", "86401", "1.5", "\"300\""}) {
    EXPECT_EQ(ParseError(std::string(R"({"kind":"stripe","secret":"x","tolerance_seconds":)") +
                         tolerance + "}"),
              "'verification.tolerance_seconds' must be an integer between 1 and 86400")
        << tolerance;
  }
  try {
    Parse(R"({"kind":"stripe"})");
  } catch (const SourceConfigError& error) {
    EXPECT_EQ(error.field(), "verification.secret");
  }
}

}  // namespace
}  // namespace rehook
