#include "app/config.h"

#include <charconv>
#include <stdexcept>

namespace rehook {

std::pair<std::string, std::uint16_t> SplitHostPort(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) {
    throw std::invalid_argument("--listen must be HOST:PORT, got '" + listen + "'");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  unsigned port = 0;
  const char* begin = listen.data() + colon + 1;
  const char* end = listen.data() + listen.size();
  auto [ptr, error] = std::from_chars(begin, end, port);
  if (error != std::errc{} || ptr != end || port > 65535) {
    throw std::invalid_argument("--listen has an invalid port in '" + listen + "'");
  }
  return {host, static_cast<std::uint16_t>(port)};
}

}  // namespace rehook
