#pragma once
// Byte encodings and digests used across rehook (thin wrappers over OpenSSL).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace rehook {

std::string Base64Encode(std::string_view bytes);
// Strict standard base64 with padding; nullopt on any invalid character or length.
std::optional<std::string> Base64Decode(std::string_view text);

// URL-safe alphabet, no padding (RFC 4648 §5).
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

std::string HexEncode(std::string_view bytes);

// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view bytes);
// The first `max_bytes` of `bytes`, less the start of a UTF-8 character the cut would split
// (up to three bytes), so that a valid UTF-8 text stays valid when shortened.
std::string_view Utf8Prefix(std::string_view bytes, std::size_t max_bytes);

// Raw 32-byte digests.
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);

// Compares two byte strings in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace rehook
