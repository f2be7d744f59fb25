#pragma once
// Query strings of API requests and filter inputs, decoded.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rehook {

// Splits "a=1&b=2" into decoded (name, value) pairs ('+' means space); nullopt when the string
// is not a valid query (e.g. a bad percent-escape). For API parameters; captured requests keep
// their query raw.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQueryString(
    std::string_view query);

}  // namespace rehook
