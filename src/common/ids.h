#pragma once
// Resource identifiers: "<prefix>_<26 chars>", e.g. "evt_01JQ3Z6X8E5M2Q7R9T4W6Y8B0C".
// The 26 characters are Crockford base32 of a 48-bit millisecond timestamp followed by 80 bits
// from a cryptographic random source, so ids sort roughly by creation time and cannot be guessed
// (a source id is the secret part of its ingest URL).

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace rehook {

std::string NewId(std::string_view prefix, TimeMs now);

// NewId whose ids increase strictly in the order they are made within this process, also
// within one millisecond (when `now` repeats, the 80 random bits of the last id grow by a
// random step of up to 2^32 instead of being drawn afresh), so that "oldest first" means the
// order events arrived in. Thread-safe. The next id of a millisecond is no longer independent
// of the last: for ids that are not secrets (events), never for a source's (its ingest URL).
std::string NewOrderedId(std::string_view prefix, TimeMs now);

// True when `id` looks like an id of this prefix (shape only; says nothing about existence).
bool HasIdShape(std::string_view id, std::string_view prefix);

// The millisecond timestamp NewId put at the front of `id`; nullopt unless it has the shape.
std::optional<TimeMs> IdTime(std::string_view id, std::string_view prefix);

// "<prefix>_" and the characters that hold `time`: in byte order, every id of `time` or later
// sorts at or after it and every earlier id before it (a bound on ids by time, e.g. PostgreSQL's
// partitions of attempts by event id).
std::string IdTimeBound(std::string_view prefix, TimeMs time);

}  // namespace rehook
