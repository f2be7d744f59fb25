#include "common/ip_network.h"

#include <charconv>
#include <stdexcept>

namespace rehook {
namespace {

namespace ip = boost::asio::ip;

template <std::size_t N>
std::array<unsigned char, N> Masked(std::array<unsigned char, N> bytes, int prefix_length) {
  for (int bit = prefix_length; bit < static_cast<int>(N) * 8; ++bit) {
    bytes[bit / 8] &= static_cast<unsigned char>(~(0x80 >> (bit % 8)));
  }
  return bytes;
}

std::array<unsigned char, 16> Widened(const ip::address_v4::bytes_type& v4) {
  std::array<unsigned char, 16> bytes{};
  std::copy(v4.begin(), v4.end(), bytes.begin());
  return bytes;
}

ip::address_v4::bytes_type Narrowed(const std::array<unsigned char, 16>& bytes) {
  ip::address_v4::bytes_type v4{};
  std::copy(bytes.begin(), bytes.begin() + 4, v4.begin());
  return v4;
}

}  // namespace

IpNetwork IpNetwork::Parse(std::string_view text) {
  const auto slash = text.find('/');
  const std::string address_text(text.substr(0, slash));
  boost::system::error_code error;
  // make_address is the strict inet_pton: no legacy spellings in configuration.
  const ip::address address = ip::make_address(address_text, error);
  if (error || address_text.find('%') != std::string::npos) {
    throw std::invalid_argument("is not an IP address or CIDR");
  }
  IpNetwork network;
  network.v4_ = address.is_v4();
  const int max_length = network.v4_ ? 32 : 128;
  network.prefix_length_ = max_length;
  if (slash != std::string_view::npos) {
    const char* begin = text.data() + slash + 1;
    const char* end = text.data() + text.size();
    auto [parsed_end, parse_error] = std::from_chars(begin, end, network.prefix_length_);
    if (begin == end || parse_error != std::errc() || parsed_end != end ||
        network.prefix_length_ < 0 || network.prefix_length_ > max_length) {
      throw std::invalid_argument("has an invalid prefix length (0-" + std::to_string(max_length) +
                                  ")");
    }
  }
  network.bytes_ = network.v4_ ? Widened(address.to_v4().to_bytes()) : address.to_v6().to_bytes();
  const auto masked = network.v4_
                          ? Widened(Masked(Narrowed(network.bytes_), network.prefix_length_))
                          : Masked(network.bytes_, network.prefix_length_);
  if (masked != network.bytes_) {
    IpNetwork meant = network;
    meant.bytes_ = masked;
    throw std::invalid_argument("has bits set after the prefix (did you mean " + meant.ToString() +
                                "?)");
  }
  return network;
}

bool IpNetwork::Contains(const ip::address& address) const {
  if (address.is_v4() != v4_) return false;
  if (v4_) return PrefixMatches(Narrowed(bytes_), prefix_length_, address.to_v4().to_bytes());
  return PrefixMatches(bytes_, prefix_length_, address.to_v6().to_bytes());
}

std::string IpNetwork::ToString() const {
  const std::string address =
      v4_ ? ip::address_v4(Narrowed(bytes_)).to_string() : ip::address_v6(bytes_).to_string();
  return address + "/" + std::to_string(prefix_length_);
}

}  // namespace rehook
