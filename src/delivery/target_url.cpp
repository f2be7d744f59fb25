#include "delivery/target_url.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>

namespace rehook {
namespace {

namespace ip = boost::asio::ip;

bool IsSpaceOrControl(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte <= 0x20 || byte == 0x7f;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// '_' is not valid in host names proper but appears in real DNS names (service labels).
bool IsHostNameChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.' ||
         c == '_';
}

std::optional<ip::address> ParseIpv6(std::string_view text) {
  // Zone ids ("fe80::1%eth0") name a local interface: never a webhook target.
  if (text.find('%') != std::string_view::npos) return std::nullopt;
  boost::system::error_code error;
  ip::address_v6 address = ip::make_address_v6(std::string(text), error);
  if (error) return std::nullopt;
  return ip::address(address);
}

// inet_aton is the parser getaddrinfo itself uses for numeric hosts, so it accepts exactly the
// legacy spellings that would otherwise reach a resolver and come back as an address. It also
// tolerates trailing whitespace and garbage after it, hence the character check first. No length
// limit: it takes any number of leading zeros ("127.000000...0.0.1"), and so does the resolver.
std::optional<ip::address> ParseIpv4AnySpelling(std::string_view text) {
  if (text.empty() || !IsDigit(text.front())) return std::nullopt;
  for (char c : text) {
    if (!IsHexDigit(c) && c != '.' && c != 'x' && c != 'X') return std::nullopt;
  }
  std::string terminated(text);
  in_addr parsed{};
  if (inet_aton(terminated.c_str(), &parsed) == 0) return std::nullopt;
  return ip::address(ip::address_v4(ntohl(parsed.s_addr)));
}

}  // namespace

std::optional<ip::address> ParseHostLiteral(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return ParseIpv6(host.substr(1, host.size() - 2));
  }
  if (host.find(':') != std::string_view::npos) return ParseIpv6(host);
  // A fully qualified "127.0.0.1." still denotes the address to URL parsers (WHATWG).
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return ParseIpv4AnySpelling(host);
}

std::string TargetUrl::HostHeader() const {
  std::string header = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (https() ? 443 : 80)) header += ":" + std::to_string(port);
  return header;
}

std::variant<TargetUrl, std::string> ParseTargetUrl(std::string_view text, bool require_https,
                                                    std::string_view field) {
  auto fail = [field](std::string_view why) { return std::string(field).append(" ").append(why); };
  const std::string_view scheme_rule =
      require_https ? "must start with https://" : "must start with http:// or https://";
  if (text.empty()) return fail("must not be empty");
  for (char c : text) {
    // Checked before parsing so the message is precise; CR/LF here would split a request line.
    if (IsSpaceOrControl(c)) return fail("must not contain spaces or control characters");
    if (static_cast<unsigned char>(c) >= 0x80) {
      return fail("must be ASCII (percent-encode other characters)");
    }
  }

  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) {
    if (text.find("://") == std::string_view::npos) return fail(scheme_rule);
    return fail("is not a valid URL");
  }
  const boost::urls::url_view url = *parsed;

  TargetUrl result;
  if (url.scheme_id() == boost::urls::scheme::https) {
    result.scheme = "https";
  } else if (url.scheme_id() == boost::urls::scheme::http && !require_https) {
    result.scheme = "http";
  } else {
    return fail(scheme_rule);
  }
  if (!url.has_authority() || url.encoded_host().empty()) return fail("must include a host");
  // Boost.URL 1.81 lets the path start right after the authority ("http://1.2.3.4x/" parses as
  // host 1.2.3.4, path "x/"); RFC 3986 requires "/" there, and other parsers see another host.
  if (!url.encoded_path().empty() && url.encoded_path().front() != '/') {
    return fail("is not a valid URL");
  }
  if (url.has_userinfo()) return fail("must not contain a user name or password");

  switch (url.host_type()) {
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::ipv6:
      result.host = url.host_address();  // IPv6 without brackets
      break;
    case boost::urls::host_type::name:
      result.host = url.host_address();  // percent-decoded: "%31%32%37.0.0.1" is 127.0.0.1
      for (char c : result.host) {
        if (!IsHostNameChar(c))
          return fail("has a host with characters not allowed in a host name");
      }
      break;
    default:
      return fail("has an unsupported host");
  }
  if (auto address = ParseHostLiteral(result.host)) {
    result.host = address->to_string();
    result.host_is_ip = true;
  } else if (result.host.find(':') != std::string::npos) {
    return fail("has an unsupported IPv6 host");
  }

  result.port = result.https() ? 443 : 80;
  if (url.has_port() && !url.port().empty()) {  // "http://host:/" means the default port
    std::string_view digits = url.port();
    unsigned value = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size() || value == 0 ||
        value > 65535) {
      return fail("has an invalid port (must be 1-65535)");
    }
    result.port = static_cast<std::uint16_t>(value);
  }

  result.target = std::string(url.encoded_path());
  if (result.target.empty()) result.target = "/";
  if (url.has_query()) result.target.append("?").append(url.encoded_query());
  return result;
}

}  // namespace rehook
