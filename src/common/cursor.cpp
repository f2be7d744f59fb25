#include "common/cursor.h"

#include <charconv>

#include "common/encoding.h"

namespace rehook {
namespace {
constexpr std::string_view kVersion = "c1:";
constexpr size_t kMaxIdLength = 64;
}  // namespace

std::string EncodeCursor(const Cursor& cursor) {
  std::string plain(kVersion);
  plain += std::to_string(cursor.time);
  plain += ':';
  plain += cursor.id;
  return Base64UrlEncode(plain);
}

std::optional<Cursor> DecodeCursor(std::string_view token) {
  if (token.empty() || token.size() > 256) return std::nullopt;
  std::optional<std::string> plain = Base64UrlDecode(token);
  if (!plain || plain->substr(0, kVersion.size()) != kVersion) return std::nullopt;
  std::string_view rest = std::string_view(*plain).substr(kVersion.size());
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  Cursor cursor;
  auto [end, error] = std::from_chars(rest.data(), rest.data() + colon, cursor.time);
  if (error != std::errc{} || end != rest.data() + colon) return std::nullopt;
  cursor.id = std::string(rest.substr(colon + 1));
  if (cursor.id.empty() || cursor.id.size() > kMaxIdLength) return std::nullopt;
  for (char c : cursor.id) {
    bool ok =
        (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    if (!ok) return std::nullopt;
  }
  return cursor;
}

}  // namespace rehook
