#include "common/ids.h"

#include <array>
#include <cstdint>

#include "common/random.h"

namespace rehook {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kBodyLength = 26;

}  // namespace

std::string NewId(std::string_view prefix, TimeMs now) {
  std::array<std::uint8_t, 16> bytes{};
  auto timestamp = static_cast<std::uint64_t>(now);
  for (int i = 5; i >= 0; --i) {
    bytes[i] = static_cast<std::uint8_t>(timestamp & 0xff);
    timestamp >>= 8;
  }
  FillRandom(bytes.data() + 6, 10);

  // 128 bits -> 26 base32 characters (the first carries the top 3 bits).
  std::string id;
  id.reserve(prefix.size() + 1 + kBodyLength);
  id.append(prefix);
  id.push_back('_');
  unsigned __int128 value = 0;
  for (auto b : bytes) value = (value << 8) | b;
  char body[kBodyLength];
  for (int i = kBodyLength - 1; i >= 0; --i) {
    body[i] = kCrockford[static_cast<unsigned>(value & 31)];
    value >>= 5;
  }
  id.append(body, kBodyLength);
  return id;
}

bool HasIdShape(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + 1 + kBodyLength) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    bool valid = (c >= '0' && c <= '9') ||
                 (c >= 'A' && c <= 'Z' && c != 'I' && c != 'L' && c != 'O' && c != 'U');
    if (!valid) return false;
  }
  return true;
}

}  // namespace rehook
