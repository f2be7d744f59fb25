#include "common/ids.h"

#include <array>
#include <cstdint>
#include <mutex>

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

using Uint128 = unsigned __int128;
constexpr Uint128 kRandomMask = (Uint128{1} << 80) - 1;

Uint128 RandomBits(std::size_t bytes) {
  std::array<std::uint8_t, 16> random{};
  FillRandom(random.data(), bytes);
  Uint128 value = 0;
  for (std::size_t i = 0; i < bytes; ++i) value = (value << 8) | random[i];
  return value;
}

// "<prefix>_" + 26 base32 characters of the 48-bit time then the 80 random bits.
std::string EncodeId(std::string_view prefix, TimeMs now, Uint128 random) {
  Uint128 value =
      (Uint128{static_cast<std::uint64_t>(now) & ((std::uint64_t{1} << 48) - 1)} << 80) |
      (random & kRandomMask);
  std::string id;
  id.reserve(prefix.size() + 1 + kBodyLength);
  id.append(prefix);
  id.push_back('_');
  char body[kBodyLength];
  for (int i = kBodyLength - 1; i >= 0; --i) {
    body[i] = kCrockford[static_cast<unsigned>(value & 31)];
    value >>= 5;
  }
  id.append(body, kBodyLength);
  return id;
}

}  // namespace

std::string NewId(std::string_view prefix, TimeMs now) {
  return EncodeId(prefix, now, RandomBits(10));
}

std::string NewOrderedId(std::string_view prefix, TimeMs now) {
  static std::mutex mutex;
  static TimeMs last_time = -1;
  static Uint128 last_random = 0;
  const Uint128 step = RandomBits(4) + 1;
  Uint128 random;
  {
    std::lock_guard lock(mutex);
    // Within a millisecond: the last id plus a step. Starting each millisecond in the lower half
    // leaves room for ~2^47 ids of that millisecond before the bits could run out.
    if (now < last_time) {
      // An earlier millisecond (a clock step back, or a capture that read the clock before
      // another): its own id, leaving the latest millisecond's sequence as it is.
      return NewId(prefix, now);
    }
    if (now == last_time && last_random + step <= kRandomMask) {
      random = last_random + step;
    } else {
      random = RandomBits(10) & (kRandomMask >> 1);
    }
    last_time = now;
    last_random = random;
  }
  return EncodeId(prefix, now, random);
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

std::string IdTimeBound(std::string_view prefix, TimeMs time) {
  return EncodeId(prefix, time, 0).substr(0, prefix.size() + 1 + kTimeLength);
}

}  // namespace rehook
