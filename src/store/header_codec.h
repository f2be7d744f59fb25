#pragma once
// Captured headers are stored as one opaque byte string that keeps order, duplicates, the
// original name case and any byte (header values may hold non-UTF-8 octets), which JSON or a
// name->value map could not.
//
// Format: for each field, a 4-byte little-endian name length, the name, a 4-byte little-endian
// value length, the value.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.h"

namespace rehook {

std::string EncodeHeaders(const std::vector<HeaderField>& headers);
// nullopt when `bytes` is not something EncodeHeaders produced.
std::optional<std::vector<HeaderField>> DecodeHeaders(std::string_view bytes);

}  // namespace rehook
