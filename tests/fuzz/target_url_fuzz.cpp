// Fuzzes the validation of URLs rehook delivers to (delivery/target_url.h) and the SSRF guard's
// view of their hosts (delivery/target_guard.h). Destination URLs and replay targets are
// user-supplied, so this is where a malformed or disguised URL would get in.
//
// Properties, for the input as a URL:
// - ParseTargetUrl never throws; every refusal names the field first.
// - The https-only variant accepts exactly the https URLs the general one accepts, with the same
//   result.
// - An accepted URL is safe to put on a request line: scheme http(s), a non-empty host, a port in
//   1-65535, a target starting with '/', and no space, control or non-ASCII byte anywhere.
// - host_is_ip holds exactly when ParseHostLiteral reads the host as an address, and such a host
//   is in its normalized spelling; a DNS name holds only host-name characters.
// - The guard sees the same host the resolver would: when getaddrinfo reads the host as a numeric
//   address (AI_NUMERICHOST, no lookup), the URL says host_is_ip with that same address.
// - The result is canonical: scheme://HostHeader()target parses to the same result again (or,
//   for host names that begin like an IPv4 address, is refused: see CheckAccepted).
// - The guard judges an IPv4 host and its IPv4-mapped and NAT64 IPv6 forms alike.

#include <netdb.h>
#include <sys/socket.h>

#include <boost/asio/ip/address.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "delivery/target_guard.h"
#include "delivery/target_url.h"
#include "fuzz_check.h"

namespace rehook {
namespace {

namespace ip = boost::asio::ip;

bool IsHostNameChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
         c == '.' || c == '_';
}

bool IsRequestLineSafe(std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) return false;
  }
  return true;
}

// "d.d.d.d" followed by more, each d a decimal 0-255 without leading zeros (RFC 3986 dec-octet).
bool StartsWithDottedQuad(std::string_view host) {
  for (int part = 0; part < 4; ++part) {
    std::size_t digits = 0;
    while (digits < host.size() && digits < 4 && host[digits] >= '0' && host[digits] <= '9') {
      ++digits;
    }
    if (digits == 0 || digits > 3 || (digits > 1 && host[0] == '0')) return false;
    if (std::stoi(std::string(host.substr(0, digits))) > 255) return false;
    host.remove_prefix(digits);
    if (part < 3) {
      if (!host.starts_with('.')) return false;
      host.remove_prefix(1);
    }
  }
  return !host.empty();
}

bool SameUrl(const TargetUrl& a, const TargetUrl& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port && a.target == b.target &&
         a.host_is_ip == b.host_is_ip;
}

std::string Describe(const TargetUrl& url) {
  return url.scheme + " host '" + url.host + "' port " + std::to_string(url.port) + " target '" +
         url.target + "'";
}

// What getaddrinfo makes of `host` as a numeric address; nullopt when it is not one.
std::optional<ip::address> ResolverNumericAddress(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* result = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &result) != 0) return std::nullopt;
  ip::address address;
  if (result->ai_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(result->ai_addr);
    address = ip::address_v4(ntohl(in->sin_addr.s_addr));
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(result->ai_addr);
    ip::address_v6::bytes_type bytes;
    std::copy(in6->sin6_addr.s6_addr, in6->sin6_addr.s6_addr + 16, bytes.begin());
    address = ip::address_v6(bytes, in6->sin6_scope_id);
  }
  freeaddrinfo(result);
  return address;
}

void CheckGuard(const TargetPolicy& guard, const ip::address& address) {
  if (!address.is_v4()) {
    guard.Check(address);
    return;
  }
  const bool blocked = guard.Check(address).has_value();
  const auto v4 = address.to_v4().to_bytes();
  const ip::address_v6 mapped = ip::make_address_v6(ip::v4_mapped, address.to_v4());
  FUZZ_CHECK(
      guard.Check(mapped).has_value() == blocked,
      "the guard judges " + address.to_string() + " and " + mapped.to_string() + " differently");
  ip::address_v6::bytes_type nat64{0x00, 0x64, 0xff, 0x9b, 0,     0,     0,     0,
                                   0,    0,    0,    0,    v4[0], v4[1], v4[2], v4[3]};
  FUZZ_CHECK(guard.Check(ip::address_v6(nat64)).has_value() == blocked,
             "the guard judges " + address.to_string() + " and its NAT64 form differently");
}

void CheckAccepted(std::string_view text, const TargetUrl& url, const TargetPolicy& guard) {
  const std::string what = "'" + std::string(text) + "' -> " + Describe(url);
  FUZZ_CHECK(url.scheme == "http" || url.scheme == "https", what);
  FUZZ_CHECK(!url.host.empty() && url.port != 0 && url.target.starts_with('/'), what);
  FUZZ_CHECK(IsRequestLineSafe(url.host) && IsRequestLineSafe(url.target), what);

  const std::optional<ip::address> literal = ParseHostLiteral(url.host);
  FUZZ_CHECK(literal.has_value() == url.host_is_ip, "host_is_ip is wrong for " + what);
  if (literal) {
    FUZZ_CHECK(literal->to_string() == url.host, "IP host not normalized: " + what);
    CheckGuard(guard, *literal);
  } else {
    for (char c : url.host) FUZZ_CHECK(IsHostNameChar(c), "bad host name character: " + what);
  }
  if (std::optional<ip::address> numeric = ResolverNumericAddress(url.host)) {
    FUZZ_CHECK(literal && *literal == *numeric,
               "the resolver reads the host as the address " + numeric->to_string() + ": " + what);
  }

  const std::string canonical = url.scheme + "://" + url.HostHeader() + url.target;
  auto again = ParseTargetUrl(canonical, false);
  if (!url.host_is_ip && StartsWithDottedQuad(url.host)) {
    // Boost.URL 1.81 reads "1.2.3.4.nip.io" as the address 1.2.3.4 followed by a path
    // (boostorg/url#755, #770), which ParseTargetUrl refuses; only the percent-encoded spelling
    // gets such a name through. Refusing is safe, so that is all this checks here.
    FUZZ_CHECK(std::holds_alternative<TargetUrl>(again)
                   ? SameUrl(std::get<TargetUrl>(again), url)
                   : std::get<std::string>(again) == "url is not a valid URL",
               "'" + canonical + "', the canonical form of " + what + ", parses differently");
    return;
  }
  FUZZ_CHECK(std::holds_alternative<TargetUrl>(again) && SameUrl(std::get<TargetUrl>(again), url),
             "'" + canonical + "', the canonical form of " + what + ", parses differently");
}

void Run(std::string_view text) {
  static const TargetPolicy guard(false, {});
  auto any = ParseTargetUrl(text, false, "'url'");
  auto https_only = ParseTargetUrl(text, true, "'target_url'");
  if (auto* error = std::get_if<std::string>(&any)) {
    FUZZ_CHECK(error->starts_with("'url' "), *error);
  }
  if (auto* error = std::get_if<std::string>(&https_only)) {
    FUZZ_CHECK(error->starts_with("'target_url' "), *error);
  }
  const auto* url = std::get_if<TargetUrl>(&any);
  const auto* secure = std::get_if<TargetUrl>(&https_only);
  const bool https_expected = url != nullptr && url->https();
  FUZZ_CHECK((secure != nullptr) == https_expected && (!secure || SameUrl(*secure, *url)),
             "the https-only parse disagrees on '" + std::string(text) + "'");
  if (url) CheckAccepted(text, *url, guard);

  // The host parser on its own, as ResolveAllowed calls it on any host string.
  if (std::optional<ip::address> literal = ParseHostLiteral(text)) {
    std::optional<ip::address> again = ParseHostLiteral(literal->to_string());
    FUZZ_CHECK(again && *again == *literal, "'" + std::string(text) + "' reads as " +
                                                literal->to_string() + ", which reads differently");
  }
}

}  // namespace
}  // namespace rehook

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rehook::Run(rehook::fuzz::AsText(data, size));
  return 0;
}
