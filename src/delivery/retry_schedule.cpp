#include "delivery/retry_schedule.h"

#include <charconv>

namespace rehook {

RetrySchedule RetrySchedule::Default() {
  return RetrySchedule({30'000, 120'000, 300'000, 900'000, 2'400'000});
}

std::optional<RetrySchedule> RetrySchedule::Parse(std::string_view text) {
  std::vector<TimeMs> delays;
  if (text.empty()) return RetrySchedule(std::move(delays));  // no retries at all
  for (bool more = true; more;) {
    size_t comma = text.find(',');
    more = comma != std::string_view::npos;
    std::string_view item = text.substr(0, comma);
    text = more ? text.substr(comma + 1) : std::string_view();
    TimeMs value = 0;
    auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (error != std::errc{} || value <= 0) return std::nullopt;
    std::string_view unit(end, static_cast<size_t>(item.data() + item.size() - end));
    if (unit == "ms") {
      delays.push_back(value);
    } else if (unit == "s") {
      delays.push_back(value * 1000);
    } else if (unit == "m") {
      delays.push_back(value * 60'000);
    } else if (unit == "h") {
      delays.push_back(value * 3'600'000);
    } else {
      return std::nullopt;
    }
  }
  return RetrySchedule(std::move(delays));
}

std::optional<TimeMs> RetrySchedule::DelayAfter(int attempts_made, double jitter) const {
  if (attempts_made < 1 || attempts_made > static_cast<int>(delays_ms_.size())) {
    return std::nullopt;
  }
  double base = static_cast<double>(delays_ms_[static_cast<size_t>(attempts_made - 1)]);
  return static_cast<TimeMs>(base * (0.8 + 0.4 * jitter));
}

}  // namespace rehook
