#pragma once
// IP networks (CIDRs) as operators write them in configuration: "10.1.0.0/16", "fd00:1::/64",
// or a bare address (a network of one). Used by the delivery guard's allow-list and by the
// trusted proxies whose forwarding headers name the client.

#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace rehook {

// True when the first `prefix_length` bits of `address` are those of `network`.
template <std::size_t N>
bool PrefixMatches(const std::array<unsigned char, N>& network, int prefix_length,
                   const std::array<unsigned char, N>& address) {
  const auto whole_bytes = static_cast<std::size_t>(prefix_length / 8);
  const int rest_bits = prefix_length % 8;
  for (std::size_t i = 0; i < whole_bytes; ++i) {
    if (network[i] != address[i]) return false;
  }
  if (rest_bits == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest_bits));
  return (network[whole_bytes] & mask) == (address[whole_bytes] & mask);
}

class IpNetwork {
 public:
  // Throws std::invalid_argument saying what is wrong with `text` (without repeating it): not an
  // address, a prefix length out of range, or bits set after the prefix ("10.1.2.0/16": did
  // you mean 10.1.0.0/16?). Addresses are parsed strictly (inet_pton; no zone ids).
  static IpNetwork Parse(std::string_view text);

  bool is_v4() const { return v4_; }
  // Whether `address` is in this network. An IPv4 network never contains an IPv6 address
  // (callers that want IPv4-mapped addresses judged as IPv4 unmap them first).
  bool Contains(const boost::asio::ip::address& address) const;
  // "10.1.0.0/16"
  std::string ToString() const;

 private:
  bool v4_ = true;
  std::array<unsigned char, 16> bytes_{};  // the first 4 only, for IPv4
  int prefix_length_ = 0;
};

}  // namespace rehook
