#include "http/trusted_proxies.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

namespace rehook {
namespace {

using ::testing::HasSubstr;

std::string ClientOf(const TrustedProxies& proxies, const std::string& peer,
                     std::vector<HeaderField> headers) {
  return proxies.ClientOf(peer, headers);
}

const TrustedProxies kLocalProxies({"10.0.0.0/8", "::1", "127.0.0.1"});

TEST(TrustedProxiesTest, NobodyIsTrustedByDefault) {
  EXPECT_EQ(ClientOf(TrustedProxies(), "10.0.0.2", {{"X-Forwarded-For", "203.0.113.7"}}),
            "10.0.0.2");
}

TEST(TrustedProxiesTest, AnUntrustedPeerCannotNameAnotherClient) {
  EXPECT_EQ(ClientOf(kLocalProxies, "198.51.100.9", {{"X-Forwarded-For", "203.0.113.7"}}),
            "198.51.100.9");
  EXPECT_EQ(ClientOf(kLocalProxies, "198.51.100.9", {{"Forwarded", "for=203.0.113.7"}}),
            "198.51.100.9");
}

TEST(TrustedProxiesTest, ATrustedProxyNamesTheClient) {
  EXPECT_EQ(ClientOf(kLocalProxies, "10.0.0.2", {{"X-Forwarded-For", "203.0.113.7"}}),
            "203.0.113.7");
  EXPECT_EQ(ClientOf(kLocalProxies, "::1", {{"x-forwarded-for", "2001:db8::7"}}), "2001:db8::7");
  // Without a header the proxy itself is the client.
  EXPECT_EQ(ClientOf(kLocalProxies, "10.0.0.2", {}), "10.0.0.2");
}

TEST(TrustedProxiesTest, TheWalkStopsAtTheFirstUntrustedHopFromTheRight) {
  // The client forged the first entry; the proxies' own hops are trusted.
  EXPECT_EQ(
      ClientOf(kLocalProxies, "10.0.0.2", {{"X-Forwarded-For", "1.2.3.4, 203.0.113.7, 10.0.0.9"}}),
      "203.0.113.7");
  // The same chain spread over several header lines.
  EXPECT_EQ(ClientOf(kLocalProxies, "10.0.0.2",
                     {{"X-Forwarded-For", "1.2.3.4"}, {"X-Forwarded-For", "203.0.113.7,10.0.0.9"}}),
            "203.0.113.7");
  // Every hop trusted: the leftmost is as far as anyone can tell.
  EXPECT_EQ(ClientOf(kLocalProxies, "10.0.0.2", {{"X-Forwarded-For", "10.1.1.1, 10.0.0.9"}}),
            "10.1.1.1");
}

TEST(TrustedProxiesTest, ForwardedIsReadWhenThereIsNoXForwardedFor) {
  EXPECT_EQ(ClientOf(kLocalProxies, "10.0.0.2",
                     {{"Forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.0.0.9"}}),
            "2001:db8:cafe::17");
  EXPECT_EQ(ClientOf(kLocalProxies, "10.0.0.2", {{"Forwarded", "proto=https;For=192.0.2.60:8080"}}),
            "192.0.2.60");
  // X-Forwarded-For wins when a request has both.
  EXPECT_EQ(ClientOf(kLocalProxies, "10.0.0.2",
                     {{"Forwarded", "for=192.0.2.60"}, {"X-Forwarded-For", "203.0.113.7"}}),
            "203.0.113.7");
}

TEST(TrustedProxiesTest, AHopThatIsNotAnAddressEndsTheWalk) {
  EXPECT_EQ(ClientOf(kLocalProxies, "10.0.0.2", {{"X-Forwarded-For", "203.0.113.7, garbage"}}),
            "10.0.0.2");
  EXPECT_EQ(ClientOf(kLocalProxies, "10.0.0.2", {{"Forwarded", "for=unknown"}}), "10.0.0.2");
  EXPECT_EQ(ClientOf(kLocalProxies, "10.0.0.2", {{"Forwarded", "for=_hidden, for=10.0.0.9"}}),
            "10.0.0.9");
  EXPECT_EQ(ClientOf(kLocalProxies, "10.0.0.2", {{"X-Forwarded-For", "fe80::1%eth0"}}), "10.0.0.2");
}

TEST(TrustedProxiesTest, IPv4MappedAddressesReadAsIPv4) {
  EXPECT_EQ(ClientOf(kLocalProxies, "::ffff:10.0.0.2", {{"X-Forwarded-For", "::ffff:203.0.113.7"}}),
            "203.0.113.7");
}

TEST(TrustedProxiesTest, ABadEntryIsNamed) {
  try {
    TrustedProxies proxies({"10.0.0.0/8", "10.0.0.1/8"});
    ADD_FAILURE() << "accepted 10.0.0.1/8";
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("trusted proxy \"10.0.0.1/8\""));
    EXPECT_THAT(error.what(), HasSubstr("did you mean 10.0.0.0/8?"));
  }
  EXPECT_THROW(TrustedProxies({"proxy.internal"}), std::invalid_argument);
}

}  // namespace
}  // namespace rehook
