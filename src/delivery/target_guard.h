#pragma once
// The SSRF guard: which addresses rehook may deliver to. Webhook targets are user-supplied, so
// without it any API user could make the server call its own admin ports, the cloud metadata
// service or the private network behind it.
//
// The check runs twice: when a URL is saved (an IP-literal host right away, a DNS name resolved
// and every address checked), and again at delivery on the addresses actually connected to,
// because a name can resolve differently later (DNS rebinding).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip_network.h"
#include "delivery/target_url.h"

namespace rehook {

// Decides whether an address may be delivered to. Immutable after construction, so one instance
// is shared by all io threads.
//
// Blocked unless allow-listed: loopback, private (RFC 1918, ULA fc00::/7, site-local), link-local,
// carrier-grade NAT 100.64.0.0/10, multicast, unspecified/"this network", broadcast, reserved and
// documentation ranges, all IPv6 outside global unicast 2000::/3, and cloud metadata endpoints.
// IPv6 forms that carry an IPv4 address (IPv4-mapped/-compatible/-translated, NAT64 64:ff9b::/96,
// 6to4 2002::/16, Teredo 2001::/32) are judged by the IPv4 address they lead to.
class TargetPolicy {
 public:
  // `allow_private` turns the guard off (--allow-private-targets). Each of `allowed_cidrs`
  // ("10.1.0.0/16", "fd00:1::/64", or a bare address) is permitted even though private; an
  // allowed CIDR permits every address it contains, metadata addresses included.
  // Throws std::invalid_argument naming the offending entry: not an address, a prefix length out
  // of range, or bits set after the prefix ("10.1.2.0/16").
  TargetPolicy(bool allow_private, const std::vector<std::string>& allowed_cidrs);

  // Returns nullopt when `address` may be delivered to, otherwise why not, naming the address:
  // "127.0.0.1 is a loopback address". Callers that resolve on their own must check every
  // address they connect to, right before connecting.
  std::optional<std::string> Check(const boost::asio::ip::address& address) const;

  // Why an address may not be delivered to: `detail` names the address (for addresses the
  // user typed), `rule` only the rule ("a loopback address"), for addresses a name resolved to:
  // an API answer must not map the operator's internal DNS for whoever asks.
  struct Refusal {
    std::string detail;
    std::string_view rule;
  };
  std::optional<Refusal> Refuse(const boost::asio::ip::address& address) const;

 private:
  // How an IPv4 address is blocked ("a private address"); nullopt when allowed.
  std::optional<std::string_view> BlockedAs(const boost::asio::ip::address_v4& address) const;
  std::optional<Refusal> CheckV4(const boost::asio::ip::address_v4& address) const;
  std::optional<Refusal> CheckV6(const boost::asio::ip::address_v6& address) const;

  bool allow_private_;
  std::vector<IpNetwork> allowed_;
};

// Outcome of ResolveAllowed. Blocked and unresolvable targets are ordinary user errors, so they
// come back as values rather than exceptions.
struct ResolvedTarget {
  enum class Status { kOk, kBlocked, kUnresolved };

  Status status = Status::kUnresolved;
  // With kOk, the allowed endpoints in resolver order, without duplicates. Connect to exactly
  // these; resolving the name again would reopen the DNS rebinding hole.
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;
  // Otherwise, why there is nothing to connect to: "internal.example resolves to a private
  // address" (the rule, never the address a name resolved to), "10.0.0.5 is a private address"
  // (a literal), or "could not resolve nowhere.invalid: Host not found ...".
  std::string error;

  bool ok() const { return status == Status::kOk; }
};

enum class ResolveMode {
  // Delivery: keep the allowed addresses, fail only when none is left.
  kDropBlocked,
  // Saving a URL: any blocked address fails the whole name, so a destination that half points
  // inside the network is refused up front instead of failing some deliveries later.
  kRequireAllAllowed,
};

// Resolves `host` (a DNS name, or an IP literal in any spelling per ParseHostLiteral, which is not
// looked up) and applies `policy` to every address. Runs on the calling coroutine's executor;
// `policy` must outlive the call. Never throws for resolver errors or cancellation (they give
// kUnresolved).
boost::asio::awaitable<ResolvedTarget> ResolveAllowed(const TargetPolicy& policy, std::string host,
                                                      std::uint16_t port,
                                                      ResolveMode mode = ResolveMode::kDropBlocked);

}  // namespace rehook
