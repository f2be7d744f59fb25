#include "cli/job_follower.h"

#include <thread>

#include "cli/output.h"
#include "cli/progress_bar.h"

namespace rehook::cli {
namespace {

// Polls that may fail in a row (server unreachable or answering 5xx) before giving up: at the
// default interval, long enough for a restart.
constexpr int kMissedPollsTolerated = 30;
// Without a terminal, a line at most this often (and whenever the status changes): enough to
// see a job move in a CI log without one line per poll.
constexpr auto kPlainLineEvery = std::chrono::seconds(5);

// Draws progress: in place on a terminal, as occasional lines elsewhere, not at all for --json.
class ProgressDisplay {
 public:
  explicit ProgressDisplay(CommandContext& context) : context_(context) {}

  void Show(const JobProgress& job, std::optional<double> per_second) {
    if (context_.json) return;
    if (context_.out_is_terminal) {
      std::string line = RenderProgressBar(job, per_second, context_.terminal_width);
      const std::size_t drawn = line.size();
      // Spaces over what a longer previous line left behind.
      line.append(drawn_ > drawn ? drawn_ - drawn : 0, ' ');
      context_.out << '\r' << line << std::flush;
      drawn_ = drawn;
      return;
    }
    if (job.ended()) return;  // the summary says it
    const auto now = std::chrono::steady_clock::now();
    if (job.status == last_status_ && now - last_line_at_ < kPlainLineEvery) return;
    context_.out << RenderProgressLine(job, per_second) << std::endl;
    last_status_ = job.status;
    last_line_at_ = now;
  }

  // Ends a line drawn in place, so what follows starts on its own line.
  void EndLine() {
    if (drawn_ > 0) context_.out << '\n' << std::flush;
    drawn_ = 0;
  }

 private:
  CommandContext& context_;
  std::size_t drawn_ = 0;
  std::string last_status_;
  std::chrono::steady_clock::time_point last_line_at_{};
};

// The job's state at the next poll; nullopt when the poll failed in a way worth retrying.
std::optional<boost::json::value> Poll(CommandContext& context, const std::string& id,
                                       int& missed) {
  try {
    boost::json::value job = context.api.Get("/v1/replay/" + PathSegment(id)).json;
    missed = 0;
    return job;
  } catch (const CliError& error) {
    if (error.code() != ExitCode::unavailable || ++missed >= kMissedPollsTolerated) throw;
    return std::nullopt;
  }
}

}  // namespace

ExitCode FollowJob(CommandContext& context, boost::json::value job,
                   std::chrono::milliseconds poll_interval) {
  JobProgress progress = ParseJobProgress(job);
  RateMeter meter;
  meter.Add(RateMeter::Clock::now(), progress.processed);
  ProgressDisplay display(context);
  display.Show(progress, meter.PerSecond());
  int missed = 0;
  try {
    while (!progress.ended()) {
      std::this_thread::sleep_for(poll_interval);
      std::optional<boost::json::value> polled = Poll(context, progress.id, missed);
      if (!polled) continue;
      job = std::move(*polled);
      progress = ParseJobProgress(job);
      meter.Add(RateMeter::Clock::now(), progress.processed);
      display.Show(progress, meter.PerSecond());
    }
  } catch (...) {
    display.EndLine();
    throw;
  }
  display.EndLine();
  if (context.json) {
    context.out << JsonLine(job);
  } else {
    context.out << RenderSummary(progress) << "\n";
  }
  return ExitCodeForJob(progress.status, progress.failed);
}

}  // namespace rehook::cli
