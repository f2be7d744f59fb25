#pragma once
// RFC 3339 / ISO 8601 timestamps as used throughout the API.

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace rehook {

// Parses a complete date-time with an explicit offset: "2026-03-01T00:00:00Z",
// "2026-03-01T02:00:00.5+02:00", "2026-03-01T02:00:00+0200", "2026-03-01t00:00:00z".
// Fractional seconds are optional (any number of digits, truncated to milliseconds).
// Returns nullopt for anything else, including impossible dates (2026-02-30), a missing offset,
// and instants outside the years 0000-9999 in UTC ("0000-01-01T00:00:00+01:00"), which
// FormatIso8601 could not print in this form: every accepted time formats and parses back.
std::optional<TimeMs> ParseIso8601(std::string_view text);

// Formats as UTC with milliseconds: "2026-03-01T00:00:00.000Z".
std::string FormatIso8601(TimeMs time);

}  // namespace rehook
