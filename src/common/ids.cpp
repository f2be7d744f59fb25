#include "common/ids.h"

#include <array>
#include <cstdint>

#include "common/random.h"

namespace rehook {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kBodyLength = 26;
// The first 10 characters hold the 48-bit timestamp: 3 bits in the first, 5 in each other.
constexpr size_t kTimeLength = 10;

unsigned CrockfordValue(char c) {
  for (unsigned v = 0; v < 32; ++v) {
    if (kCrockford[v] == c) return v;
  }
  return 0;  // unreachable for ids HasIdShape accepted
}

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

std::optional<TimeMs> IdTime(std::string_view id, std::string_view prefix) {
  if (!HasIdShape(id, prefix)) return std::nullopt;
  std::uint64_t timestamp = 0;
  for (char c : id.substr(prefix.size() + 1, kTimeLength))
    timestamp = (timestamp << 5) | CrockfordValue(c);
  if (timestamp >> 48) return std::nullopt;  // a first character NewId never writes
  return static_cast<TimeMs>(timestamp);
}

}  // namespace rehook
