#include "delivery/target_guard.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "delivery/target_url.h"

namespace rehook {
namespace {

namespace ip = boost::asio::ip;
using ::testing::HasSubstr;
using ::testing::Not;

const TargetPolicy& DefaultPolicy() {
  static const TargetPolicy policy(false, {});
  return policy;
}

std::optional<std::string> CheckText(const TargetPolicy& policy, const std::string& address) {
  return policy.Check(ip::make_address(address));
}

// Every blocked address must be refused with a message naming it and its kind.
void ExpectBlocked(const TargetPolicy& policy, const std::string& address,
                   const std::string& kind) {
  auto refusal = CheckText(policy, address);
  ASSERT_TRUE(refusal.has_value()) << address << " was allowed";
  EXPECT_THAT(*refusal, HasSubstr(kind)) << address;
  EXPECT_THAT(*refusal, HasSubstr(ip::make_address(address).to_string()));
}

void ExpectAllBlocked(const std::string& kind, std::initializer_list<const char*> addresses) {
  for (const char* address : addresses) ExpectBlocked(DefaultPolicy(), address, kind);
}

void ExpectAllowed(const TargetPolicy& policy, const std::string& address) {
  EXPECT_EQ(CheckText(policy, address), std::nullopt) << address;
}

TEST(TargetPolicyTest, RefusalNamesTheAddressAndWhy) {
  EXPECT_EQ(CheckText(DefaultPolicy(), "127.0.0.1"), "127.0.0.1 is a loopback address");
  EXPECT_EQ(CheckText(DefaultPolicy(), "::ffff:10.0.0.1"),
            "::ffff:10.0.0.1 (IPv4-mapped 10.0.0.1) is a private address");
}

TEST(TargetPolicyTest, BlocksIpv4Families) {
  ExpectAllBlocked("loopback", {"127.0.0.1", "127.255.255.254"});
  ExpectAllBlocked("private",
                   {"10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255", "192.168.1.1"});
  ExpectAllBlocked("link-local", {"169.254.1.1"});
  ExpectAllBlocked("metadata",
                   {"169.254.169.254", "169.254.170.2", "100.100.100.200", "168.63.129.16"});
  ExpectAllBlocked("carrier-grade NAT", {"100.64.0.1", "100.127.255.255"});
  ExpectAllBlocked("multicast", {"224.0.0.1", "239.255.255.250"});
  ExpectAllBlocked("unspecified", {"0.0.0.0", "0.1.2.3"});
  ExpectAllBlocked("broadcast", {"255.255.255.255"});
  ExpectAllBlocked("reserved", {"240.0.0.1", "192.0.0.8", "192.0.2.1", "198.18.0.1", "198.51.100.7",
                                "203.0.113.9", "192.88.99.1"});
}

TEST(TargetPolicyTest, AllowsPublicIpv4AndRangeNeighbours) {
  for (const char* address :
       {"93.184.216.34", "1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "126.255.255.255",
        "128.0.0.0", "172.15.255.255", "172.32.0.0", "100.63.255.255", "100.128.0.0",
        "169.253.255.255", "169.255.0.0", "192.167.255.255", "192.169.0.0", "223.255.255.255"}) {
    ExpectAllowed(DefaultPolicy(), address);
  }
}

TEST(TargetPolicyTest, BlocksIpv6Families) {
  ExpectAllBlocked("loopback", {"::1"});
  ExpectAllBlocked("unspecified", {"::"});
  ExpectAllBlocked("link-local", {"fe80::1", "febf:ffff::1"});
  ExpectAllBlocked("private", {"fc00::1", "fd12:3456::1", "fec0::1", "64:ff9b:1::a00:1"});
  ExpectAllBlocked("metadata", {"fd00:ec2::254", "fd20:ce::254"});
  ExpectAllBlocked("multicast", {"ff02::1", "ff0e::101"});
  ExpectAllBlocked("reserved",
                   {"100::1", "2001:db8::1", "3fff::1", "2001:2::1", "4000::1", "1::1"});
}

TEST(TargetPolicyTest, AllowsPublicIpv6) {
  for (const char* address :
       {"2606:4700::1111", "2001:4860:4860::8888", "2a00:1450:4001::1", "3ffe::1", "2001:db9::1"}) {
    ExpectAllowed(DefaultPolicy(), address);
  }
}

TEST(TargetPolicyTest, JudgesIpv6FormsByTheIpv4AddressTheyCarry) {
  const std::pair<const char*, const char*> blocked[] = {
      {"::ffff:127.0.0.1", "IPv4-mapped 127.0.0.1) is a loopback"},
      {"::ffff:169.254.169.254", "metadata"},
      {"::ffff:0:7f00:1", "IPv4-translated 127.0.0.1) is a loopback"},
      {"::127.0.0.1", "IPv4-compatible 127.0.0.1) is a loopback"},
      {"::93.184.216.34", "reserved"},  // deprecated form, whatever it carries
      {"64:ff9b::7f00:1", "NAT64 127.0.0.1) is a loopback"},
      {"64:ff9b::a9fe:a9fe", "NAT64 169.254.169.254) is a cloud metadata"},
      {"64:ff9b::c0a8:101", "private"},
      {"2002:7f00:1::1", "6to4 127.0.0.1) is a loopback"},
      {"2002:a00:1::", "6to4 10.0.0.1) is a private"},
      {"2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo 127.0.0.1) is a loopback"}};
  for (const auto& [address, kind] : blocked) ExpectBlocked(DefaultPolicy(), address, kind);
  for (const char* address : {"::ffff:93.184.216.34", "64:ff9b::5db8:d822", "2002:5db8:d822::1",
                              "2001:0:4136:e378:8000:63bf:a247:27dd"}) {
    ExpectAllowed(DefaultPolicy(), address);
  }
}

TEST(TargetPolicyTest, AllowPrivateAllowsEverything) {
  TargetPolicy policy(true, {});
  for (const char* address : {"127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "fd00:ec2::254",
                              "::ffff:127.0.0.1", "224.0.0.1"}) {
    ExpectAllowed(policy, address);
  }
}

TEST(TargetPolicyTest, AllowedIpv4CidrOpensOnlyItsRange) {
  TargetPolicy policy(false, {"10.1.0.0/16", "100.64.0.0/11", "192.168.1.10"});
  for (const char* address :
       {"10.1.0.0", "10.1.2.3", "10.1.255.255", "::ffff:10.1.2.3", "64:ff9b::a01:203", "100.64.0.1",
        "100.95.255.255", "192.168.1.10", "93.184.216.34"}) {
    ExpectAllowed(policy, address);
  }
  ExpectBlocked(policy, "10.0.255.255", "private");
  ExpectBlocked(policy, "10.2.0.0", "private");
  ExpectBlocked(policy, "100.96.0.0", "carrier-grade NAT");
  ExpectBlocked(policy, "192.168.1.11", "private");
  ExpectBlocked(policy, "192.168.1.9", "private");
  ExpectBlocked(policy, "127.0.0.1", "loopback");
  ExpectBlocked(policy, "::ffff:10.2.0.1", "private");
}

TEST(TargetPolicyTest, AllowedIpv6CidrOpensOnlyItsRange) {
  TargetPolicy policy(false, {"fd00:1::/32", "fe80::1234/128"});
  ExpectAllowed(policy, "fd00:1::5");
  ExpectAllowed(policy, "fd00:1:ffff:ffff::1");
  ExpectAllowed(policy, "fe80::1234");
  ExpectBlocked(policy, "fd00:2::1", "private");
  ExpectBlocked(policy, "fd00:0:ffff::1", "private");
  ExpectBlocked(policy, "fe80::1235", "link-local");
  ExpectBlocked(policy, "::1", "loopback");
  ExpectBlocked(policy, "10.0.0.1", "private");  // IPv6 CIDRs say nothing about IPv4
}

TEST(TargetPolicyTest, AllowEverythingCidrsAreHonoured) {
  TargetPolicy policy(false, {"0.0.0.0/0"});
  ExpectAllowed(policy, "127.0.0.1");
  ExpectAllowed(policy, "::ffff:169.254.169.254");
  ExpectBlocked(policy, "::1", "loopback");
}

TEST(TargetPolicyTest, RejectsBadCidrsNamingThem) {
  for (const char* cidr : {"", "banana", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x",
                           "10.0.0/8", "0x0a.0.0.0/8", " 10.0.0.0/8", "::1/129", "fe80::1%eth0",
                           "10.0.0.0/8/8", "10.1.2.3/16", "fd00::1/8"}) {
    try {
      TargetPolicy policy(false, {"192.168.0.0/16", cidr});
      ADD_FAILURE() << "accepted \"" << cidr << "\"";
    } catch (const std::invalid_argument& error) {
      EXPECT_THAT(error.what(), HasSubstr("\"" + std::string(cidr) + "\"")) << cidr;
    }
  }
  try {
    TargetPolicy policy(false, {"10.1.2.3/16"});
  } catch (const std::invalid_argument& error) {
    EXPECT_THAT(error.what(), HasSubstr("did you mean 10.1.0.0/16?"));
  }
}

TEST(ParseHostLiteralTest, AcceptsEveryIpv4SpellingResolversAccept) {
  const ip::address loopback = ip::make_address("127.0.0.1");
  for (const char* host : {"127.0.0.1", "2130706433", "0x7f000001", "0X7F000001", "0177.0.0.1",
                           "017700000001", "127.1", "127.0.1", "0x7f.1", "0x7f.0.0.1",
                           "0x7f.0x0.0x0.0x1", "0177.0x0.1", "127.0.0.1."}) {
    auto parsed = ParseHostLiteral(host);
    ASSERT_TRUE(parsed.has_value()) << host;
    EXPECT_EQ(*parsed, loopback) << host;
    ExpectBlocked(DefaultPolicy(), parsed->to_string(), "loopback");
  }
  EXPECT_EQ(ParseHostLiteral("4294967295"), ip::make_address("255.255.255.255"));
  EXPECT_EQ(ParseHostLiteral("0xa9fea9fe"), ip::make_address("169.254.169.254"));
}

// Found by tests/fuzz/target_url_fuzz: spellings longer than 64 characters were taken for DNS
// names, although the resolver reads them as addresses (only the check of resolved addresses
// stood between them and the target).
TEST(ParseHostLiteralTest, AcceptsLongSpellings) {
  const std::string zeros(70, '0');
  EXPECT_EQ(ParseHostLiteral("127." + zeros + ".0.1"), ip::make_address("127.0.0.1"));
  EXPECT_EQ(ParseHostLiteral(zeros + "0x7f.1"), std::nullopt);  // inet_aton refuses this too
  EXPECT_EQ(ParseHostLiteral("0x" + zeros + "7f000001"), ip::make_address("127.0.0.1"));
  auto url = ParseTargetUrl("http://127." + zeros + ".0.1/admin", false);
  ASSERT_TRUE(std::holds_alternative<TargetUrl>(url));
  EXPECT_TRUE(std::get<TargetUrl>(url).host_is_ip);
  EXPECT_EQ(std::get<TargetUrl>(url).host, "127.0.0.1");
}

TEST(ParseHostLiteralTest, AcceptsIpv6WithOrWithoutBrackets) {
  EXPECT_EQ(ParseHostLiteral("[::1]"), ip::make_address("::1"));
  EXPECT_EQ(ParseHostLiteral("::1"), ip::make_address("::1"));
  EXPECT_EQ(ParseHostLiteral("[::ffff:127.0.0.1]"), ip::make_address("::ffff:7f00:1"));
  EXPECT_EQ(ParseHostLiteral("[2606:4700::1111]"), ip::make_address("2606:4700::1111"));
}

TEST(ParseHostLiteralTest, LeavesNamesAndMalformedNumbersAlone) {
  for (const char* host : {"example.com",
                           "localhost",
                           "",
                           ".",
                           "deadbeef",
                           "1e100.net",
                           "127.0.0.1 x",
                           "127.0.0.1\n",
                           "127.0.0.256",
                           "08.0.0.1",
                           "1.2.3.4.5",
                           "0x",
                           "127..1",
                           "4294967296",
                           "[127.0.0.1]",
                           "[fe80::1%eth0]",
                           "fe80::1%eth0",
                           "[::1",
                           "127.0.0.1..",
                           "+127.0.0.1"}) {
    EXPECT_EQ(ParseHostLiteral(host), std::nullopt) << host;
  }
}

TargetUrl ParseOk(std::string_view text, bool require_https = false) {
  auto parsed = ParseTargetUrl(text, require_https);
  if (auto* error = std::get_if<std::string>(&parsed)) {
    ADD_FAILURE() << text << ": " << *error;
    return {};
  }
  return std::get<TargetUrl>(parsed);
}

std::string ParseError(std::string_view text, bool require_https = false) {
  auto parsed = ParseTargetUrl(text, require_https);
  if (auto* error = std::get_if<std::string>(&parsed)) return *error;
  ADD_FAILURE() << text << " was accepted";
  return {};
}

TEST(ParseTargetUrlTest, SplitsHttpsUrl) {
  TargetUrl url = ParseOk("https://example.com", /*require_https=*/true);
  EXPECT_EQ(url.scheme, "https");
  EXPECT_TRUE(url.https());
  EXPECT_EQ(url.host, "example.com");
  EXPECT_FALSE(url.host_is_ip);
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.target, "/");
  EXPECT_EQ(url.HostHeader(), "example.com");
}

TEST(ParseTargetUrlTest, KeepsPathAndQueryAndDropsFragment) {
  TargetUrl url = ParseOk("http://example.com:8080/a/b%20c?x=1&y=%2F#frag");
  EXPECT_EQ(url.scheme, "http");
  EXPECT_FALSE(url.https());
  EXPECT_EQ(url.port, 8080);
  EXPECT_EQ(url.target, "/a/b%20c?x=1&y=%2F");
  EXPECT_EQ(url.HostHeader(), "example.com:8080");
  EXPECT_EQ(ParseOk("http://example.com?x").target, "/?x");
  EXPECT_EQ(ParseOk("HTTPS://Example.COM/p").scheme, "https");
  EXPECT_EQ(ParseOk("https://example.com:/x").port, 443);
  EXPECT_EQ(ParseOk("http://example.com:0080/").port, 80);
  EXPECT_EQ(ParseOk("https://hooks.example.com./in").host, "hooks.example.com.");
}

TEST(ParseTargetUrlTest, NormalizesIpLiteralHosts) {
  TargetUrl v6 = ParseOk("https://[2606:4700::1111]:8443/hook");
  EXPECT_EQ(v6.host, "2606:4700::1111");
  EXPECT_TRUE(v6.host_is_ip);
  EXPECT_EQ(v6.port, 8443);
  EXPECT_EQ(v6.HostHeader(), "[2606:4700::1111]:8443");
  for (const char* text :
       {"http://127.0.0.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/",
        "http://127.1/", "http://0x7f.1/", "http://%31%32%37.0.0.1/"}) {
    TargetUrl url = ParseOk(text);
    EXPECT_EQ(url.host, "127.0.0.1") << text;
    EXPECT_TRUE(url.host_is_ip) << text;
  }
  EXPECT_EQ(ParseOk("http://[::ffff:127.0.0.1]/").host, "::ffff:127.0.0.1");
}

TEST(ParseTargetUrlTest, RejectsWithMessagesNamingTheProblem) {
  EXPECT_EQ(ParseError("http://example.com/", true), "url must start with https://");
  EXPECT_EQ(ParseError("ftp://example.com/"), "url must start with http:// or https://");
  EXPECT_EQ(ParseError("example.com/hook"), "url must start with http:// or https://");
  EXPECT_EQ(ParseError("javascript:alert(1)"), "url must start with http:// or https://");
  EXPECT_EQ(ParseError(""), "url must not be empty");
  EXPECT_THAT(ParseError("https://user:pass@example.com/"), HasSubstr("user name or password"));
  EXPECT_THAT(ParseError("https://@example.com/"), HasSubstr("user name or password"));
  EXPECT_THAT(ParseError("http://127.0.0.1:80@example.com/"), HasSubstr("user name or password"));
  EXPECT_THAT(ParseError("https://example.com/\r\nX-Injected: 1"), HasSubstr("control"));
  EXPECT_THAT(ParseError("https://example.com/%0d%0a\n"), HasSubstr("control"));
  EXPECT_THAT(ParseError("https://example.com/a b"), HasSubstr("spaces"));
  EXPECT_THAT(ParseError(" https://example.com/"), HasSubstr("spaces"));
  EXPECT_THAT(ParseError("https://exa\tmple.com/"), HasSubstr("control"));
  EXPECT_THAT(ParseError("https:///path"), HasSubstr("must include a host"));
  EXPECT_THAT(ParseError("https://:443/"), HasSubstr("must include a host"));
  EXPECT_THAT(ParseError("http:example.com"), HasSubstr("must include a host"));
  EXPECT_THAT(ParseError("https://example.com:0/"), HasSubstr("invalid port"));
  EXPECT_THAT(ParseError("https://example.com:65536/"), HasSubstr("invalid port"));
  EXPECT_THAT(ParseError("https://example.com:99999999999999999999/"), HasSubstr("invalid port"));
  EXPECT_THAT(ParseError("https://example.com:8o/"), HasSubstr("not a valid URL"));
  EXPECT_THAT(ParseError("https://[::1/"), HasSubstr("not a valid URL"));
  EXPECT_THAT(ParseError("http://1.2.3.4x/"), HasSubstr("not a valid URL"));
  EXPECT_THAT(ParseError("http://[::1]x/"), HasSubstr("not a valid URL"));
  EXPECT_THAT(ParseError("http://127.0.0.1./"), HasSubstr("not a valid URL"));  // Boost quirk
  EXPECT_THAT(ParseError("http://example.com:80:80/"), HasSubstr("not a valid URL"));
  EXPECT_THAT(ParseError("https://[v1.abc]/"), HasSubstr("unsupported host"));
  EXPECT_THAT(ParseError("https://ex%00ample.com/"), HasSubstr("not allowed in a host name"));
  EXPECT_THAT(ParseError("https://ex%2Fample.com/"), HasSubstr("not allowed in a host name"));
  EXPECT_THAT(ParseError("https://\xc3\xa9.example/"), HasSubstr("ASCII"));
  EXPECT_EQ(std::get<std::string>(ParseTargetUrl("http://x/", true, "target_url")),
            "target_url must start with https://");
}

ResolvedTarget Resolve(const TargetPolicy& policy, std::string host, std::uint16_t port,
                       ResolveMode mode = ResolveMode::kDropBlocked) {
  boost::asio::io_context io;
  std::optional<ResolvedTarget> result;
  boost::asio::co_spawn(io, ResolveAllowed(policy, std::move(host), port, mode),
                        [&](std::exception_ptr error, ResolvedTarget value) {
                          if (error) std::rethrow_exception(error);
                          result = std::move(value);
                        });
  io.run();
  return std::move(*result);
}

TEST(ResolveAllowedTest, RefusesBlockedLiteralsWithoutLookingThemUp) {
  ResolvedTarget loopback = Resolve(DefaultPolicy(), "127.0.0.1", 80);
  EXPECT_EQ(loopback.status, ResolvedTarget::Status::kBlocked);
  EXPECT_EQ(loopback.error, "127.0.0.1 is a loopback address");
  EXPECT_TRUE(loopback.endpoints.empty());
  EXPECT_THAT(Resolve(DefaultPolicy(), "0x7f.1", 80).error, HasSubstr("127.0.0.1 is a loopback"));
  EXPECT_THAT(Resolve(DefaultPolicy(), "::1", 80).error, HasSubstr("::1 is a loopback"));
  EXPECT_THAT(Resolve(DefaultPolicy(), "[::ffff:a9fe:a9fe]", 80).error, HasSubstr("metadata"));
}

TEST(ResolveAllowedTest, PassesAllowedLiteralsThrough) {
  ResolvedTarget v4 = Resolve(DefaultPolicy(), "93.184.216.34", 443);
  ASSERT_TRUE(v4.ok()) << v4.error;
  ASSERT_EQ(v4.endpoints.size(), 1u);
  EXPECT_EQ(v4.endpoints[0], ip::tcp::endpoint(ip::make_address("93.184.216.34"), 443));
  ResolvedTarget v6 = Resolve(DefaultPolicy(), "2606:4700::1111", 8443);
  ASSERT_TRUE(v6.ok()) << v6.error;
  EXPECT_EQ(v6.endpoints[0], ip::tcp::endpoint(ip::make_address("2606:4700::1111"), 8443));
  ResolvedTarget local = Resolve(TargetPolicy(true, {}), "127.0.0.1", 8080);
  ASSERT_TRUE(local.ok()) << local.error;
  EXPECT_EQ(local.endpoints[0], ip::tcp::endpoint(ip::make_address("127.0.0.1"), 8080));
}

TEST(ResolveAllowedTest, RefusesLocalhost) {
  ResolvedTarget result = Resolve(DefaultPolicy(), "localhost", 80);
  EXPECT_EQ(result.status, ResolvedTarget::Status::kBlocked);
  EXPECT_EQ(result.error, "localhost resolves to a loopback address");
  // The rule only: which address an internal name resolves to stays private.
  EXPECT_THAT(result.error, Not(HasSubstr("127.0.0.1")));
  EXPECT_THAT(result.error, Not(HasSubstr("::1")));
}

TEST(ResolveAllowedTest, ResolvesLocalhostWhenAllowed) {
  ResolvedTarget result = Resolve(TargetPolicy(true, {}), "localhost", 9000);
  ASSERT_TRUE(result.ok()) << result.error;
  ASSERT_FALSE(result.endpoints.empty());
  for (const auto& endpoint : result.endpoints) {
    EXPECT_TRUE(endpoint.address().is_loopback()) << endpoint;
    EXPECT_EQ(endpoint.port(), 9000);
  }
}

TEST(ResolveAllowedTest, ModesDifferWhenOnlySomeAddressesAreAllowed) {
  const TargetPolicy v4_loopback_only(false, {"127.0.0.0/8"});
  ResolvedTarget all = Resolve(TargetPolicy(true, {}), "localhost", 80);
  ASSERT_TRUE(all.ok()) << all.error;
  const bool has_v6 = std::any_of(all.endpoints.begin(), all.endpoints.end(),
                                  [](const auto& endpoint) { return endpoint.address().is_v6(); });
  const bool has_v4 = std::any_of(all.endpoints.begin(), all.endpoints.end(),
                                  [](const auto& endpoint) { return endpoint.address().is_v4(); });
  if (!has_v4) GTEST_SKIP() << "localhost does not resolve to IPv4 here";

  ResolvedTarget dropping = Resolve(v4_loopback_only, "localhost", 80, ResolveMode::kDropBlocked);
  ASSERT_TRUE(dropping.ok()) << dropping.error;
  for (const auto& endpoint : dropping.endpoints) EXPECT_TRUE(endpoint.address().is_v4());

  ResolvedTarget strict =
      Resolve(v4_loopback_only, "localhost", 80, ResolveMode::kRequireAllAllowed);
  if (has_v6) {
    EXPECT_EQ(strict.status, ResolvedTarget::Status::kBlocked);
    EXPECT_THAT(strict.error, HasSubstr("::1 is a loopback address"));
  } else {
    EXPECT_TRUE(strict.ok()) << strict.error;
  }
}

TEST(ResolveAllowedTest, EmptyHostIsUnresolved) {
  ResolvedTarget result = Resolve(TargetPolicy(true, {}), "", 80);
  EXPECT_EQ(result.status, ResolvedTarget::Status::kUnresolved);
  EXPECT_TRUE(result.endpoints.empty());
}

}  // namespace
}  // namespace rehook
