#include "delivery/outbound_headers.h"

#include <gtest/gtest.h>

namespace rehook {
namespace {

std::vector<std::string> Names(const std::vector<HeaderField>& headers) {
  std::vector<std::string> names;
  for (const auto& field : headers) names.push_back(field.name);
  return names;
}

TEST(OutboundHeadersTest, KeepsTheWebhookDropsTheHop) {
  std::vector<HeaderField> captured = {{"Host", "hooks.example.com"},
                                       {"Content-Type", "application/json"},
                                       {"Content-Length", "42"},
                                       {"Connection", "keep-alive, X-Hop"},
                                       {"X-Hop", "1"},
                                       {"Stripe-Signature", "t=1,v1=abc"},
                                       {"X-Forwarded-For", "203.0.113.9"},
                                       {"x-forwarded-proto", "https"},
                                       {"Forwarded", "for=203.0.113.9"},
                                       {"CF-Connecting-IP", "203.0.113.9"},
                                       {"cf-ray", "abc"},
                                       {"X-Real-IP", "203.0.113.9"},
                                       {"Via", "1.1 proxy"},
                                       {"Transfer-Encoding", "chunked"},
                                       {"Expect", "100-continue"},
                                       {"X-Rehook-Event-Id", "evt_old"},
                                       {"X-GitHub-Event", "push"},
                                       {"X-Custom", "a"},
                                       {"X-Custom", "b"},
                                       {"Proxy-Authorization", "secret"},
                                       {"User-Agent", "Stripe/1.0"},
                                       {"Keep-Alive", "timeout=5"}};
  EXPECT_EQ(Names(ForwardableHeaders(captured)),
            (std::vector<std::string>{"Content-Type", "Stripe-Signature", "X-GitHub-Event",
                                      "X-Custom", "X-Custom", "User-Agent"}));
}

TEST(OutboundHeadersTest, RemoveHeaderIgnoresCase) {
  std::vector<HeaderField> headers = {{"webhook-id", "1"}, {"Webhook-ID", "2"}, {"Other", "3"}};
  RemoveHeader(headers, "WEBHOOK-ID");
  EXPECT_EQ(Names(headers), (std::vector<std::string>{"Other"}));
}

}  // namespace
}  // namespace rehook
