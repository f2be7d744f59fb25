#pragma once
// `--follow` on `replay create` and `replay get`: polls a replay job until it ends, drawing its
// progress (progress_bar.h), then prints a summary (or, with --json, the final job) and turns the
// outcome into the exit code.

#include <boost/json/value.hpp>

#include <chrono>

#include "cli/command_context.h"

namespace rehook::cli {

// `job` is the job as the API last returned it. Brief losses of the server (a restart: jobs
// survive it) are waited out; only a run of failed polls ends the command with `unavailable`.
// Returns ok when the job completed without failures, not_delivered otherwise.
ExitCode FollowJob(CommandContext& context, boost::json::value job,
                   std::chrono::milliseconds poll_interval);

}  // namespace rehook::cli
