#include "delivery/retry_schedule.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>

#include "common/duration.h"

namespace rehook {
namespace {

constexpr TimeMs kMaxExponentialDelayMs = 7LL * 24 * 60 * 60 * 1000;

}  // namespace

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
    std::optional<TimeMs> delay = ParseDurationMs(item);
    if (!delay) return std::nullopt;
    delays.push_back(*delay);
  }
  return RetrySchedule(std::move(delays));
}

RetrySchedule RetrySchedule::Of(const RetryPolicy& policy) {
  std::vector<TimeMs> delays;
  TimeMs delay = policy.interval_ms;
  for (int failed = 1; failed < policy.attempts; ++failed) {
    if (policy.backoff == RetryBackoff::linear) {
      delays.push_back(policy.interval_ms * failed);
    } else {
      delays.push_back(delay);
      // Doubling stops at a week: 20 attempts from a long interval would overflow otherwise.
      delay = std::min<TimeMs>(delay * 2, kMaxExponentialDelayMs);
    }
  }
  return RetrySchedule(std::move(delays));
}

std::optional<TimeMs> RetrySchedule::DelayAfter(int attempts_made, double jitter,
                                                std::optional<TimeMs> retry_after_ms) const {
  if (attempts_made < 1 || attempts_made > static_cast<int>(delays_ms_.size())) {
    return std::nullopt;
  }
  double base = static_cast<double>(delays_ms_[static_cast<size_t>(attempts_made - 1)]);
  const auto delay = static_cast<TimeMs>(base * (0.8 + 0.4 * jitter));
  if (!retry_after_ms) return delay;
  return std::max(delay, std::min(*retry_after_ms, kMaxRetryAfterMs));
}

std::optional<TimeMs> ParseRetryAfter(std::string_view value, TimeMs now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(value.front()))) {
    TimeMs seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error != std::errc{} || end != value.data() + value.size()) return std::nullopt;
    return std::min<TimeMs>(seconds, kMaxRetryAfterMs / 1000) * 1000;
  }
  // IMF-fixdate, the form RFC 9110 requires senders to use.
  std::tm parts{};
  std::istringstream in{std::string(value)};
  in.imbue(std::locale::classic());
  in >> std::get_time(&parts, "%a, %d %b %Y %H:%M:%S GMT");
  if (in.fail()) return std::nullopt;
  const TimeMs at = static_cast<TimeMs>(timegm(&parts)) * 1000;
  return std::max<TimeMs>(0, at - now);
}

}  // namespace rehook
