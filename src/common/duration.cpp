#include "common/duration.h"

#include <array>
#include <charconv>
#include <limits>
#include <utility>

namespace rehook {

std::optional<TimeMs> ParseDurationMs(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, TimeMs>, 5> kUnits = {
      {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};
  TimeMs value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || value <= 0) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  for (const auto& [name, scale] : kUnits) {
    if (unit != name) continue;
    if (value > std::numeric_limits<TimeMs>::max() / scale) return std::nullopt;
    return value * scale;
  }
  return std::nullopt;
}

}  // namespace rehook
