#include "http/trusted_proxies.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace rehook {
namespace {

namespace ip = boost::asio::ip;

// Splits `text` at each `separator`, trimmed pieces appended to `into`.
void SplitInto(std::string_view text, char separator, std::vector<std::string_view>& into) {
  while (true) {
    const auto at = text.find(separator);
    into.push_back(TrimWhitespace(text.substr(0, at)));
    if (at == std::string_view::npos) return;
    text.remove_prefix(at + 1);
  }
}

// The hops of a header that may appear more than once, in order: "a, b" then "c" -> a, b, c.
std::vector<std::string_view> HopsIn(const std::vector<HeaderField>& headers,
                                     std::string_view name) {
  std::vector<std::string_view> hops;
  for (const HeaderField& field : headers) {
    if (EqualsIgnoreCase(field.name, name)) SplitInto(field.value, ',', hops);
  }
  return hops;
}

// Forwarded (RFC 7239): each element's `for=` parameter; an element without one counts as a
// hop that is not an address.
std::vector<std::string_view> ForwardedFor(const std::vector<std::string_view>& elements) {
  std::vector<std::string_view> hops;
  for (std::string_view element : elements) {
    std::vector<std::string_view> pairs;
    SplitInto(element, ';', pairs);
    std::string_view value;
    for (std::string_view pair : pairs) {
      const auto equals = pair.find('=');
      if (equals == std::string_view::npos || !EqualsIgnoreCase(pair.substr(0, equals), "for")) {
        continue;
      }
      value = pair.substr(equals + 1);
    }
    hops.push_back(value);
  }
  return hops;
}

// An address as a hop names it: "203.0.113.7", "203.0.113.7:4711", "2001:db8::1",
// "[2001:db8::1]:4711", any of these in double quotes. IPv4-mapped IPv6 addresses read as IPv4.
std::optional<ip::address> AddressOf(std::string_view hop) {
  if (hop.size() >= 2 && hop.front() == '"' && hop.back() == '"')
    hop = hop.substr(1, hop.size() - 2);
  if (!hop.empty() && hop.front() == '[') {
    const auto close = hop.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    hop = hop.substr(1, close - 1);
  } else if (std::count(hop.begin(), hop.end(), ':') == 1) {
    hop = hop.substr(0, hop.find(':'));  // IPv4 with a port
  }
  boost::system::error_code error;
  const ip::address address = ip::make_address(std::string(hop), error);
  if (error || hop.find('%') != std::string_view::npos) return std::nullopt;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& cidrs) {
  for (const std::string& text : cidrs) {
    try {
      networks_.push_back(IpNetwork::Parse(text));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("trusted proxy \"" + text + "\" " + e.what());
    }
  }
}

bool TrustedProxies::Trusts(const ip::address& address) const {
  for (const IpNetwork& network : networks_) {
    if (network.Contains(address)) return true;
  }
  return false;
}

std::string TrustedProxies::ClientOf(const std::string& peer,
                                     const std::vector<HeaderField>& headers) const {
  if (networks_.empty()) return peer;
  std::optional<ip::address> client = AddressOf(peer);
  if (!client || !Trusts(*client)) return peer;
  std::vector<std::string_view> hops = HopsIn(headers, "x-forwarded-for");
  if (hops.empty()) hops = ForwardedFor(HopsIn(headers, "forwarded"));
  for (auto hop = hops.rbegin(); hop != hops.rend() && Trusts(*client); ++hop) {
    const std::optional<ip::address> next = AddressOf(*hop);
    if (!next) break;
    client = next;
  }
  return client->to_string();
}

}  // namespace rehook
