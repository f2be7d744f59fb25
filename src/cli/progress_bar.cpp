#include "cli/progress_bar.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/iso8601.h"

namespace rehook::cli {
namespace {

constexpr int kWidestBar = 40;
constexpr int kNarrowestBar = 10;

std::string StringField(const boost::json::object& job, std::string_view key) {
  const auto* field = job.if_contains(key);
  return field && field->is_string() ? std::string(field->get_string()) : std::string();
}

std::optional<std::int64_t> IntegerField(const boost::json::object& job, std::string_view key) {
  const auto* field = job.if_contains(key);
  if (field && field->is_int64()) return field->get_int64();
  if (field && field->is_uint64()) return static_cast<std::int64_t>(field->get_uint64());
  return std::nullopt;
}

std::optional<std::int64_t> MillisecondsBetween(const std::string& from, const std::string& to) {
  auto start = ParseIso8601(from);
  auto end = ParseIso8601(to);
  if (!start || !end || *end < *start) return std::nullopt;
  return *end - *start;
}

int Percent(const JobProgress& job) {
  if (job.total <= 0) return job.ended() ? 100 : 0;
  return static_cast<int>(std::clamp<std::int64_t>(job.processed * 100 / job.total, 0, 100));
}

// "  paused: circuit open" or "  cancelled"; nothing while running, nor once completed (the
// full bar says it, and a narrow terminal keeps its bar).
std::string StatusSuffix(const JobProgress& job) {
  if (job.status == "running" || job.status == "completed" || job.status.empty()) return "";
  std::string suffix = "  " + job.status;
  if (!job.status_reason.empty()) suffix += ": " + job.status_reason;
  return suffix;
}

}  // namespace

JobProgress ParseJobProgress(const boost::json::value& value) {
  JobProgress job;
  if (!value.is_object()) return job;
  const auto& object = value.as_object();
  job.id = StringField(object, "id");
  job.status = StringField(object, "status");
  job.status_reason = StringField(object, "status_reason");
  job.total = IntegerField(object, "total").value_or(0);
  job.processed = IntegerField(object, "processed").value_or(0);
  job.succeeded = IntegerField(object, "succeeded").value_or(0);
  job.failed = IntegerField(object, "failed").value_or(0);
  job.fixed = IntegerField(object, "fixed").value_or(0);
  job.regressed = IntegerField(object, "regressed").value_or(0);
  job.server_eta_seconds = IntegerField(object, "eta_seconds");
  job.elapsed_ms =
      MillisecondsBetween(StringField(object, "started_at"), StringField(object, "completed_at"));
  return job;
}

void RateMeter::Add(Clock::time_point at, std::int64_t processed) {
  samples_.emplace_back(at, processed);
  // Keep the newest sample that is at least a window old, so the rate spans a whole window.
  while (samples_.size() > 2 && at - samples_[1].first >= window_) samples_.pop_front();
}

std::optional<double> RateMeter::PerSecond() const {
  if (samples_.size() < 2) return std::nullopt;
  const auto& [first_at, first] = samples_.front();
  const auto& [last_at, last] = samples_.back();
  const double seconds = std::chrono::duration<double>(last_at - first_at).count();
  if (seconds <= 0) return std::nullopt;
  return std::max(0.0, static_cast<double>(last - first) / seconds);
}

std::string FormatDuration(std::optional<std::int64_t> seconds) {
  if (!seconds || *seconds < 0) return "--:--";
  const std::int64_t hours = *seconds / 3600;
  const std::int64_t minutes = *seconds / 60 % 60;
  const std::int64_t rest = *seconds % 60;
  char text[48];
  if (hours > 0) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(hours),
                  static_cast<long long>(minutes), static_cast<long long>(rest));
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(minutes),
                  static_cast<long long>(rest));
  }
  return text;
}

std::string FormatRate(std::optional<double> per_second) {
  if (!per_second) return "-/s";
  char text[48];
  std::snprintf(text, sizeof text, *per_second < 100 ? "%.1f/s" : "%.0f/s", *per_second);
  return text;
}

std::optional<std::int64_t> EstimateSecondsLeft(const JobProgress& job,
                                                std::optional<double> per_second) {
  if (job.ended()) return 0;
  if (job.status == "paused") return std::nullopt;
  const std::int64_t left = std::max<std::int64_t>(0, job.total - job.processed);
  if (left == 0) return 0;
  if (per_second && *per_second > 0) {
    return static_cast<std::int64_t>(std::ceil(static_cast<double>(left) / *per_second));
  }
  return job.server_eta_seconds;
}

std::string RenderProgressBar(const JobProgress& job, std::optional<double> per_second, int width) {
  std::string tail = "  " + std::to_string(job.processed) + "/" + std::to_string(job.total) + "  " +
                     std::to_string(Percent(job)) + "%  ok " + std::to_string(job.succeeded) +
                     "  failed " + std::to_string(job.failed) + "  " + FormatRate(per_second) +
                     "  ETA " + FormatDuration(EstimateSecondsLeft(job, per_second)) +
                     StatusSuffix(job);
  // One column stays free: a line that fills the terminal wraps on some terminals, and the next
  // '\r' would then redraw only the wrapped part.
  const int room = width - 1 - static_cast<int>(tail.size()) - 2;
  const int bar_width = std::min(kWidestBar, room);
  if (bar_width < kNarrowestBar) return tail.substr(2);
  const auto filled = static_cast<int>(
      job.total > 0 ? std::min<std::int64_t>(bar_width, job.processed * bar_width / job.total)
                    : (job.ended() ? bar_width : 0));
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(bar_width - filled), '-') + "]" + tail;
}

std::string RenderProgressLine(const JobProgress& job, std::optional<double> per_second) {
  std::string line = job.id + " " + job.status + " " + std::to_string(job.processed) + "/" +
                     std::to_string(job.total) + " (" + std::to_string(Percent(job)) +
                     "%) succeeded " + std::to_string(job.succeeded) + " failed " +
                     std::to_string(job.failed) + " " + FormatRate(per_second) + " ETA " +
                     FormatDuration(EstimateSecondsLeft(job, per_second));
  if (!job.status_reason.empty()) line += " (" + job.status_reason + ")";
  return line;
}

std::string RenderSummary(const JobProgress& job) {
  std::string counts =
      std::to_string(job.succeeded) + " succeeded, " + std::to_string(job.failed) + " failed";
  std::string sentence = "Replay job " + job.id + " " + job.status;
  if (job.status == "completed") {
    sentence += ": " + std::to_string(job.processed) + " of " + std::to_string(job.total) +
                " events replayed, " + counts;
  } else {
    sentence += " after " + std::to_string(job.processed) + " of " + std::to_string(job.total) +
                " events: " + counts;
  }
  if (job.elapsed_ms) {
    sentence += ", in " + FormatDuration((*job.elapsed_ms + 500) / 1000);
    if (*job.elapsed_ms > 0) {
      const double seconds = static_cast<double>(*job.elapsed_ms) / 1000;
      sentence += " (" + FormatRate(static_cast<double>(job.processed) / seconds) + ")";
    }
  }
  sentence += ".";
  if (job.fixed > 0 || job.regressed > 0) {
    sentence += " Against their last earlier attempt: " + std::to_string(job.fixed) + " fixed, " +
                std::to_string(job.regressed) + " regressed.";
  }
  return sentence;
}

}  // namespace rehook::cli
