// Fuzzes the list cursors (common/cursor.h): DecodeCursor reads ?cursor= straight from clients.
//
// Properties:
// - The input as a token: when DecodeCursor accepts it, the cursor has an id EncodeCursor could
//   have been given (1-64 characters of [A-Za-z0-9_]), and encoding it gives a URL-safe token of
//   at most 256 characters that decodes to the same cursor. Tokens need not be canonical (base64
//   with spare bits, leading zeros in the time), but they must denote what they decode to.
// - The input as a cursor (the first 8 bytes are the time, the rest the id): the encoded token
//   decodes back to the same cursor exactly when the id is one the store uses, and is refused
//   otherwise, so a cursor the API hands out can always be sent back.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "common/cursor.h"
#include "fuzz_check.h"

namespace rehook {
namespace {

bool IsIdChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!IsIdChar(c)) return false;
  }
  return true;
}

bool IsUrlSafe(std::string_view token) {
  for (char c : token) {
    if (!IsIdChar(c) && c != '-') return false;
  }
  return true;
}

std::string Describe(const Cursor& cursor) {
  return "(" + std::to_string(cursor.time) + ", '" + cursor.id + "')";
}

void CheckToken(std::string_view token) {
  const std::optional<Cursor> cursor = DecodeCursor(token);
  if (!cursor) return;
  FUZZ_CHECK(IsValidId(cursor->id), "'" + std::string(token) + "' decodes to the id '" +
                                        cursor->id + "', which no cursor can hold");
  const std::string encoded = EncodeCursor(*cursor);
  FUZZ_CHECK(encoded.size() <= 256 && IsUrlSafe(encoded), "EncodeCursor gave '" + encoded + "'");
  const std::optional<Cursor> again = DecodeCursor(encoded);
  FUZZ_CHECK(again && again->time == cursor->time && again->id == cursor->id,
             "'" + std::string(token) + "' decodes to " + Describe(*cursor) +
                 ", whose encoding does not decode to the same");
}

void CheckCursor(std::string_view bytes) {
  if (bytes.size() < sizeof(TimeMs)) return;
  Cursor cursor;
  std::memcpy(&cursor.time, bytes.data(), sizeof(TimeMs));
  cursor.id = std::string(bytes.substr(sizeof(TimeMs)));
  const std::optional<Cursor> decoded = DecodeCursor(EncodeCursor(cursor));
  if (!IsValidId(cursor.id)) {
    FUZZ_CHECK(!decoded, "the cursor " + Describe(cursor) + " has an invalid id but round-trips");
    return;
  }
  FUZZ_CHECK(decoded && decoded->time == cursor.time && decoded->id == cursor.id,
             "the cursor " + Describe(cursor) + " does not round-trip");
}

}  // namespace
}  // namespace rehook

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = rehook::fuzz::AsText(data, size);
  rehook::CheckToken(bytes);
  rehook::CheckCursor(bytes);
  return 0;
}
