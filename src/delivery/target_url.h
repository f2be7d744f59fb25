#pragma once
// Validation of the user-supplied URLs rehook delivers to (destination URLs and single-request
// replay targets). Parsing only: whether the host may be reached is the TargetPolicy's job
// (delivery/target_guard.h).

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace rehook {

// A parsed http(s) URL, split the way the HTTP client needs it.
struct TargetUrl {
  std::string scheme;  // "http" or "https", lower case
  // What to resolve and connect to: a DNS name as written (percent-decoded), or for an IP literal
  // its normalized text ("127.0.0.1" for "0x7f.1", "::1" for "[::1]", no brackets).
  std::string host;
  std::uint16_t port = 0;   // the explicit port, else 80 / 443
  std::string target;       // request target: path + "?" + query, "/" when the path is empty
  bool host_is_ip = false;  // host is an IP literal (no DNS lookup; not usable as TLS SNI)

  bool https() const { return scheme == "https"; }
  // The Host header value: brackets around an IPv6 host, ":port" only when not the default.
  std::string HostHeader() const;
};

// Parses an absolute http:// or https:// URL (https:// only when `require_https`).
// Rejected, with a message that starts with `field` and names the problem: spaces or control
// characters anywhere (CR/LF header injection), other schemes, a missing or empty host,
// userinfo ("user:pass@"), a port outside 1-65535, IPvFuture hosts and host names with characters
// DNS does not use. A fragment is accepted and dropped: it is never sent.
std::variant<TargetUrl, std::string> ParseTargetUrl(std::string_view text, bool require_https,
                                                    std::string_view field = "url");

// When a URL host is an IP literal, the address it denotes; nullopt for a DNS name.
// Accepts IPv6 with or without brackets (no zone ids) and every IPv4 spelling that resolvers accept
// through inet_aton: decimal "2130706433", hex "0x7f000001", octal "0177.0.0.1", short "127.1",
// mixed "0x7f.1", and one trailing dot ("127.0.0.1."). The guard must see these as addresses,
// or "http://0x7f.1/" would slip past a check that only knows dotted quads.
std::optional<boost::asio::ip::address> ParseHostLiteral(std::string_view host);

}  // namespace rehook
