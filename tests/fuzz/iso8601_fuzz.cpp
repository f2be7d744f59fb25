// Fuzzes ParseIso8601 (common/iso8601.h): every timestamp the API accepts goes through it
// (?from=/?to= of the events list, "from"/"to" of replay jobs).
//
// Properties, for every input the parser accepts:
// - FormatIso8601 prints the value in the canonical form "YYYY-MM-DDTHH:MM:SS.mmmZ", and that
//   text parses back to the same value: the API echoes parsed times, and a client must be able to
//   send them back unchanged.
// - The value agrees with an independent reading of the text: the date and time digits with the
//   offset applied (checked by parsing the same date-time with "Z" and subtracting the offset
//   read here), and the milliseconds are the first three fraction digits.
// - Letter case of 'T' and 'Z' does not change the value.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/iso8601.h"
#include "fuzz_check.h"

namespace rehook {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The offset suffix in minutes east of UTC, read independently of the parser. Only called on
// text the parser accepted, so the forms are Z, ±HH, ±HHMM and ±HH:MM.
int OffsetMinutes(std::string_view offset) {
  if (offset == "Z" || offset == "z") return 0;
  const int sign = offset[0] == '-' ? -1 : 1;
  std::string digits;
  for (char c : offset.substr(1)) {
    if (IsDigit(c)) digits.push_back(c);
  }
  int hours = std::stoi(digits.substr(0, 2));
  int minutes = digits.size() == 4 ? std::stoi(digits.substr(2, 2)) : 0;
  return sign * (hours * 60 + minutes);
}

bool IsCanonical(std::string_view text) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (kShape[i] == 'd' ? !IsDigit(text[i]) : text[i] != kShape[i]) return false;
  }
  return true;
}

void CheckAccepted(std::string_view text, TimeMs time) {
  const std::string formatted = FormatIso8601(time);
  FUZZ_CHECK(IsCanonical(formatted), "FormatIso8601(" + std::to_string(time) + ") = " + formatted);
  const std::optional<TimeMs> again = ParseIso8601(formatted);
  FUZZ_CHECK(again && *again == time, "'" + std::string(text) + "' formats as '" + formatted +
                                          "', which does not parse back to the same time");

  // Accepted text starts with "YYYY-MM-DDTHH:MM:SS" (19 characters), then an optional fraction.
  std::size_t pos = 19;
  std::string fraction;
  if (text[pos] == '.' || text[pos] == ',') {
    ++pos;
    while (pos < text.size() && IsDigit(text[pos])) fraction.push_back(text[pos++]);
  }
  std::string millis = (fraction + "000").substr(0, 3);
  std::string date_time(text.substr(0, 19));
  date_time[10] = 'T';
  const int offset = OffsetMinutes(text.substr(pos));
  if (offset == 0) {
    FUZZ_CHECK(formatted.substr(0, 19) == date_time && formatted.substr(20, 3) == millis,
               "'" + std::string(text) + "' has a zero offset but formats as '" + formatted + "'");
  }
  const std::optional<TimeMs> as_utc = ParseIso8601(date_time + "." + millis + "Z");
  FUZZ_CHECK(as_utc && *as_utc - TimeMs{offset} * 60'000 == time,
             "'" + std::string(text) + "': the offset is not applied as " + std::to_string(offset) +
                 " minutes");

  std::string swapped(text);
  swapped[10] = swapped[10] == 'T' ? 't' : 'T';
  if (swapped.back() == 'Z' || swapped.back() == 'z') swapped.back() ^= 0x20;
  const std::optional<TimeMs> swapped_time = ParseIso8601(swapped);
  FUZZ_CHECK(swapped_time && *swapped_time == time,
             "changing the case of T/Z in '" + std::string(text) + "' changes the result");
}

}  // namespace
}  // namespace rehook

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = rehook::fuzz::AsText(data, size);
  if (std::optional<rehook::TimeMs> time = rehook::ParseIso8601(text)) {
    rehook::CheckAccepted(text, *time);
  }
  return 0;
}
