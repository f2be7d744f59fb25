#pragma once
// Signed webhooks published by the providers themselves (or their official libraries), shared by
// the verifier's unit tests and the end-to-end capture tests. Each value is quoted exactly from
// the named source.

#include <cstdint>
#include <string>
#include <string_view>

namespace rehook::provider_examples {

// stripe-dotnet, src/StripeTests/Services/Events/EventUtilityTest.cs: secret "webhook_secret",
// t=1533204620 and the fixture src/StripeTests/Resources/event_test_signature.json (LF line ends,
// trailing newline). Re-checked with
// `(echo -n "1533204620." && cat event_test_signature.json) | openssl sha256 -hmac webhook_secret`.
constexpr std::string_view kStripeBody = R"({
  "id": "evt_123",
  "object": "event",
  "account": "acct_123",
  "api_version": "2017-05-25",
  "created": 1533204620,
  "data": {
    "object": {
      "id": "cus_123",
      "object": "customer",
      "created": 123456789,
      "email": "test@stripe.com",
      "livemode": false,
      "metadata": {}
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_123",
    "idempotency_key": "idempotency-key-123"
  },
  "type": "customer.created"
}
)";
constexpr std::int64_t kStripeTime = 1533204620;
constexpr std::string_view kStripeV1 =
    "2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7";
const std::string kStripeHeader =
    "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7,"
    "v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef";

// GitHub Docs, "Validating webhook deliveries": secret "It's a Secret to Everybody", payload
// "Hello, World!". Re-checked with `printf 'Hello, World!' | openssl dgst -sha256 -hmac ...`.
constexpr std::string_view kGithubSecret = "It's a Secret to Everybody";
constexpr std::string_view kGithubSignature =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

// Shopify/shopify-api-php, tests/Webhooks/RegistryTest.php ($processHeaders / $processBody) with
// the API secret 'steffi' from tests/BaseTestCase.php. Re-checked with
// `printf '%s' '{"foo":"bar"}' | openssl dgst -sha256 -hmac steffi -binary | base64`.
constexpr std::string_view kShopifySecret = "steffi";
constexpr std::string_view kShopifyBody = R"({"foo":"bar"})";
constexpr std::string_view kShopifyHmac = "/Redz4YXHLnSmmSN8grr5/Jl/Ua3d7yX3iWbjb8R8wo=";

// libraries/go/webhook_test.go of github.com/standard-webhooks/standard-webhooks: the signing
// vector (TestWebhookSign) and the multi-signature and invalid-signature cases of TestWebhook.
constexpr std::string_view kSwSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::int64_t kSwTime = 1614265330;
constexpr std::string_view kSwBody = R"({"test": 2432232314})";
constexpr std::string_view kSwSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
constexpr std::string_view kSwOtherSignature = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";

constexpr std::string_view kSwId = "msg_p5jXN8AQM9LWM0D4loKWxJek";

}  // namespace rehook::provider_examples
