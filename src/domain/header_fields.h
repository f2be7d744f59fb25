#pragma once
// Rules of HTTP header fields that capture, filters and delivery all apply to captured and
// outgoing headers: names compare case-insensitively, values carry optional whitespace.

#include <optional>
#include <string_view>
#include <vector>

#include "domain/event.h"

namespace rehook {

// Case-insensitive ASCII comparison, as HTTP field names require.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// True for a valid field name: RFC 9110 token characters only, not empty.
bool IsHeaderName(std::string_view name);

// `text` without the spaces and tabs at either end (HTTP's optional whitespace).
std::string_view TrimWhitespace(std::string_view text);

// The value of the first header named `name` (case-insensitive), if any.
std::optional<std::string_view> FindHeader(const std::vector<HeaderField>& headers,
                                           std::string_view name);

}  // namespace rehook
