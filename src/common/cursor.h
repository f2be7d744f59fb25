#pragma once
// Opaque list cursors. Every list in the API is ordered by a (time, id) pair, so a cursor is the
// last item's pair, encoded so clients treat it as a token rather than something to build.

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace rehook {

struct Cursor {
  TimeMs time = 0;
  std::string id;
};

std::string EncodeCursor(const Cursor& cursor);
// nullopt for anything EncodeCursor could not have produced.
std::optional<Cursor> DecodeCursor(std::string_view token);

}  // namespace rehook
