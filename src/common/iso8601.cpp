#include "common/iso8601.h"

#include <date/date.h>

#include <cctype>
#include <chrono>

namespace rehook {
namespace {

// Reads exactly `count` decimal digits at `pos`, advancing it.
bool ReadDigits(std::string_view text, size_t& pos, size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += count;
  out = value;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// Parses the offset suffix ("Z", "+02:00", "+0200", "+02") into minutes east of UTC.
std::optional<int> ParseOffsetMinutes(std::string_view text, size_t pos) {
  if (pos >= text.size()) return std::nullopt;
  char sign = text[pos];
  if ((sign == 'Z' || sign == 'z') && pos + 1 == text.size()) return 0;
  if (sign != '+' && sign != '-') return std::nullopt;
  ++pos;
  int hours = 0;
  int minutes = 0;
  if (!ReadDigits(text, pos, 2, hours)) return std::nullopt;
  if (pos < text.size()) {
    if (text[pos] == ':') ++pos;
    if (!ReadDigits(text, pos, 2, minutes)) return std::nullopt;
  }
  if (pos != text.size() || hours > 23 || minutes > 59) return std::nullopt;
  int total = hours * 60 + minutes;
  return sign == '-' ? -total : total;
}

}  // namespace

std::optional<TimeMs> ParseIso8601(std::string_view text) {
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, pos, 4, year) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, month) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't')) return std::nullopt;
  ++pos;
  if (!ReadDigits(text, pos, 2, hour) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, minute) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, second)) {
    return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;

  int millis = 0;
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (size_t i = digits; i < 3; ++i) millis *= 10;
  }

  std::optional<int> offset_minutes = ParseOffsetMinutes(text, pos);
  if (!offset_minutes) return std::nullopt;

  date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(month)},
                           date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;

  using namespace std::chrono;
  auto local =
      date::sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second} + milliseconds{millis};
  auto utc = local - minutes{*offset_minutes};
  // An offset can carry 0000-01-01 and 9999-12-31 into years that have no four-digit form.
  const auto earliest = date::sys_days{date::year{0} / 1 / 1};
  const auto end = date::sys_days{date::year{10000} / 1 / 1};
  if (utc < earliest || utc >= end) return std::nullopt;
  return duration_cast<milliseconds>(utc.time_since_epoch()).count();
}

std::string FormatIso8601(TimeMs time) {
  date::sys_time<std::chrono::milliseconds> point{std::chrono::milliseconds{time}};
  return date::format("%FT%TZ", point);
}

}  // namespace rehook
