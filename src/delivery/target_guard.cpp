#include "delivery/target_guard.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <stdexcept>
#include <string_view>

namespace rehook {
namespace {

namespace asio = boost::asio;
namespace ip = boost::asio::ip;

using BytesV4 = ip::address_v4::bytes_type;
using BytesV6 = ip::address_v6::bytes_type;

// An address range and how an address in it is described: "<address> is <description>". An
// empty description marks a range that is allowed.
template <std::size_t N>
struct Range {
  std::array<unsigned char, N> network;
  int prefix_length;
  std::string_view description;
};

Range<4> RangeV4(const char* network, int prefix_length, std::string_view description) {
  return {ip::make_address_v4(network).to_bytes(), prefix_length, description};
}

Range<16> RangeV6(const char* network, int prefix_length, std::string_view description) {
  return {ip::make_address_v6(network).to_bytes(), prefix_length, description};
}

constexpr std::string_view kLoopback = "a loopback address";
constexpr std::string_view kPrivate = "a private address";
constexpr std::string_view kLinkLocal = "a link-local address";
constexpr std::string_view kCgnat = "a carrier-grade NAT address";
constexpr std::string_view kMulticast = "a multicast address";
constexpr std::string_view kUnspecified = "an unspecified address";
constexpr std::string_view kBroadcast = "a broadcast address";
constexpr std::string_view kReserved = "a reserved address";
constexpr std::string_view kMetadata = "a cloud metadata address";

// First match wins, so the specific entries (metadata) come before the ranges holding them.
const std::vector<Range<4>>& BlockedV4() {
  static const std::vector<Range<4>> ranges = {
      RangeV4("169.254.169.254", 32, kMetadata),  // AWS, GCP, Azure, OpenStack, OCI, ...
      RangeV4("169.254.170.2", 32, kMetadata),    // AWS ECS task credentials
      RangeV4("169.254.170.23", 32, kMetadata),   // AWS EKS pod identity
      RangeV4("100.100.100.200", 32, kMetadata),  // Alibaba Cloud
      RangeV4("168.63.129.16", 32, kMetadata),    // Azure WireServer (a public address)
      RangeV4("192.0.0.192", 32, kMetadata),      // Oracle Cloud Classic
      RangeV4("255.255.255.255", 32, kBroadcast),
      RangeV4("0.0.0.0", 8, kUnspecified),  // "this network"; 0.0.0.0 reaches localhost
      RangeV4("10.0.0.0", 8, kPrivate),
      RangeV4("100.64.0.0", 10, kCgnat),
      RangeV4("127.0.0.0", 8, kLoopback),
      RangeV4("169.254.0.0", 16, kLinkLocal),
      RangeV4("172.16.0.0", 12, kPrivate),
      RangeV4("192.0.0.0", 24, kReserved),    // IETF protocol assignments
      RangeV4("192.0.2.0", 24, kReserved),    // documentation
      RangeV4("192.88.99.0", 24, kReserved),  // 6to4 relay anycast (deprecated)
      RangeV4("192.168.0.0", 16, kPrivate),
      RangeV4("198.18.0.0", 15, kReserved),    // benchmarking
      RangeV4("198.51.100.0", 24, kReserved),  // documentation
      RangeV4("203.0.113.0", 24, kReserved),   // documentation
      RangeV4("224.0.0.0", 4, kMulticast),
      RangeV4("240.0.0.0", 4, kReserved),
  };
  return ranges;
}

// Consulted after the IPv4-embedding forms (FindEmbeddedV4) have been handled.
const std::vector<Range<16>>& BlockedV6() {
  static const std::vector<Range<16>> ranges = {
      RangeV6("::", 128, kUnspecified),
      RangeV6("::1", 128, kLoopback),
      RangeV6("fd00:ec2::254", 128, kMetadata),  // AWS
      RangeV6("fd20:ce::254", 128, kMetadata),   // Google Cloud
      RangeV6("64:ff9b:1::", 48, kPrivate),      // local-use NAT64: maps to anything
      RangeV6("100::", 64, kReserved),           // discard-only
      RangeV6("2001:2::", 48, kReserved),        // benchmarking
      RangeV6("2001:10::", 28, kReserved),       // ORCHID (deprecated)
      RangeV6("2001:20::", 28, kReserved),       // ORCHIDv2
      RangeV6("2001:db8::", 32, kReserved),      // documentation
      RangeV6("3fff::", 20, kReserved),          // documentation
      RangeV6("5f00::", 16, kReserved),          // SRv6 SIDs
      RangeV6("fc00::", 7, kPrivate),            // unique local
      RangeV6("fe80::", 10, kLinkLocal),
      RangeV6("fec0::", 10, kPrivate),  // site-local (deprecated)
      RangeV6("ff00::", 8, kMulticast),
      RangeV6("2000::", 3, {}),     // global unicast
      RangeV6("::", 0, kReserved),  // the rest of the space is unassigned
  };
  return ranges;
}

// The first matching range decides: its description, or nullopt when allowed or unlisted.
template <std::size_t N>
std::optional<std::string_view> Classify(const std::vector<Range<N>>& ranges,
                                         const std::array<unsigned char, N>& address) {
  for (const auto& range : ranges) {
    if (!PrefixMatches(range.network, range.prefix_length, address)) continue;
    if (range.description.empty()) return std::nullopt;
    return range.description;
  }
  return std::nullopt;
}

// An IPv6 address whose traffic ends up at an IPv4 address, and that address.
struct EmbeddedV4 {
  ip::address_v4 address;
  std::string_view form;
  bool deprecated;  // no legitimate target uses this form, whatever it embeds
};

ip::address_v4 V4At(const BytesV6& bytes, int offset, unsigned char flip = 0) {
  BytesV4 v4;
  for (int i = 0; i < 4; ++i) v4[i] = bytes[offset + i] ^ flip;
  return ip::address_v4(v4);
}

bool AllZero(const BytesV6& bytes, int from, int to) {
  return std::all_of(bytes.begin() + from, bytes.begin() + to, [](unsigned char b) { return !b; });
}

std::optional<EmbeddedV4> FindEmbeddedV4(const BytesV6& b) {
  if (AllZero(b, 0, 10) && b[10] == 0xff && b[11] == 0xff) {
    return EmbeddedV4{V4At(b, 12), "IPv4-mapped", false};  // ::ffff:0:0/96
  }
  if (AllZero(b, 0, 8) && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0) {
    return EmbeddedV4{V4At(b, 12), "IPv4-translated", false};  // ::ffff:0:0:0/96 (SIIT)
  }
  if (AllZero(b, 0, 12) && !(AllZero(b, 12, 15) && b[15] <= 1)) {  // :: and ::1 excluded
    return EmbeddedV4{V4At(b, 12), "IPv4-compatible", true};       // ::/96
  }
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && AllZero(b, 4, 12)) {
    return EmbeddedV4{V4At(b, 12), "NAT64", false};  // 64:ff9b::/96
  }
  if (b[0] == 0x20 && b[1] == 0x02) return EmbeddedV4{V4At(b, 2), "6to4", false};  // 2002::/16
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) {
    // Teredo (2001::/32): the client's address is stored inverted in the last 32 bits.
    return EmbeddedV4{V4At(b, 12, 0xff), "Teredo", false};
  }
  return std::nullopt;
}

}  // namespace

TargetPolicy::TargetPolicy(bool allow_private, const std::vector<std::string>& allowed_cidrs)
    : allow_private_(allow_private) {
  for (const std::string& text : allowed_cidrs) {
    try {
      allowed_.push_back(IpNetwork::Parse(text));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("allowed target CIDR \"" + text + "\" " + e.what());
    }
  }
}

std::optional<std::string> TargetPolicy::Check(const ip::address& address) const {
  if (auto refusal = Refuse(address)) return std::move(refusal->detail);
  return std::nullopt;
}

std::optional<TargetPolicy::Refusal> TargetPolicy::Refuse(const ip::address& address) const {
  if (allow_private_) return std::nullopt;
  return address.is_v4() ? CheckV4(address.to_v4()) : CheckV6(address.to_v6());
}

std::optional<std::string_view> TargetPolicy::BlockedAs(const ip::address_v4& address) const {
  for (const IpNetwork& allowed : allowed_) {
    if (allowed.Contains(ip::address(address))) return std::nullopt;
  }
  return Classify(BlockedV4(), address.to_bytes());
}

std::optional<TargetPolicy::Refusal> TargetPolicy::CheckV4(const ip::address_v4& address) const {
  if (auto description = BlockedAs(address)) {
    return Refusal{address.to_string() + " is " + std::string(*description), *description};
  }
  return std::nullopt;
}

std::optional<TargetPolicy::Refusal> TargetPolicy::CheckV6(const ip::address_v6& address) const {
  for (const IpNetwork& allowed : allowed_) {
    if (allowed.Contains(ip::address(address))) return std::nullopt;
  }
  const BytesV6 bytes = address.to_bytes();
  if (auto embedded = FindEmbeddedV4(bytes)) {
    // Judged by where the packets end up, so allowed IPv4 CIDRs apply to the embedded address.
    auto description = BlockedAs(embedded->address);
    if (!description && embedded->deprecated) description = kReserved;
    if (!description) return std::nullopt;
    return Refusal{address.to_string() + " (" + std::string(embedded->form) + " " +
                       embedded->address.to_string() + ") is " + std::string(*description),
                   *description};
  }
  if (auto description = Classify(BlockedV6(), bytes)) {
    return Refusal{address.to_string() + " is " + std::string(*description), *description};
  }
  return std::nullopt;
}

asio::awaitable<ResolvedTarget> ResolveAllowed(const TargetPolicy& policy, std::string host,
                                               std::uint16_t port, ResolveMode mode) {
  ResolvedTarget result;
  if (host.empty()) {
    // getaddrinfo treats an empty name as "this host" and would answer with loopback.
    result.error = "could not resolve an empty host";
    co_return result;
  }
  std::vector<ip::address> addresses;
  const std::optional<ip::address> literal = ParseHostLiteral(host);
  if (literal) {
    addresses.push_back(*literal);
  } else {
    ip::tcp::resolver resolver(co_await asio::this_coro::executor);
    auto [error, entries] = co_await resolver.async_resolve(host, std::to_string(port),
                                                            ip::tcp::resolver::numeric_service,
                                                            asio::as_tuple(asio::use_awaitable));
    if (error) {
      result.error = "could not resolve " + host + ": " + error.message();
      co_return result;
    }
    for (const auto& entry : entries) addresses.push_back(entry.endpoint().address());
  }

  std::optional<TargetPolicy::Refusal> first_refusal;
  for (const ip::address& address : addresses) {
    if (auto refusal = policy.Refuse(address)) {
      if (!first_refusal) first_refusal = std::move(refusal);
      continue;
    }
    const ip::tcp::endpoint endpoint(address, port);
    if (std::find(result.endpoints.begin(), result.endpoints.end(), endpoint) ==
        result.endpoints.end()) {
      result.endpoints.push_back(endpoint);
    }
  }
  if (first_refusal && (mode == ResolveMode::kRequireAllAllowed || result.endpoints.empty())) {
    result.status = ResolvedTarget::Status::kBlocked;
    result.endpoints.clear();
    // A literal address is the user's own; for a name, the rule only (never the address).
    result.error =
        literal ? first_refusal->detail : host + " resolves to " + std::string(first_refusal->rule);
  } else if (result.endpoints.empty()) {
    result.error = "could not resolve " + host + ": no addresses";
  } else {
    result.status = ResolvedTarget::Status::kOk;
  }
  co_return result;
}

}  // namespace rehook
