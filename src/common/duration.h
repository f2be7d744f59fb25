#pragma once
// Durations as people type them on command lines: a positive whole number and a unit, "250ms",
// "30s", "10m", "2h", "7d".

#include <optional>
#include <string_view>

#include "common/clock.h"

namespace rehook {

// Milliseconds, or nullopt for anything else (no unit, zero, negative, fractions, overflow).
std::optional<TimeMs> ParseDurationMs(std::string_view text);

}  // namespace rehook
