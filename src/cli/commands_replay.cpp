// `rehook replay create|get|cancel`: replay jobs, optionally followed to the end.
#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

#include <memory>
#include <optional>

#include "cli/command_context.h"
#include "cli/filter_option.h"
#include "cli/job_follower.h"
#include "cli/output.h"
#include "cli/replay_target.h"

namespace rehook::cli {
namespace {

struct FollowOptions {
  bool follow = false;
  int poll_interval_ms = 1000;
};

// The fields of POST /v1/replay, plus how to pick the destination and what to do after.
struct ReplayCreateOptions {
  std::string destination_id;
  std::string target_url;
  std::string from;
  std::string to;
  std::string source_id;
  std::string connection_id;
  std::string filter;  // JSON, or @FILE holding it
  std::optional<int> rate_limit;
  std::optional<int> max_events;
  std::string id_mode;  // "new" or "original"; "" leaves the server's default
  std::string only;     // "all", "failed" or "undelivered"; "" leaves the server's default
  bool dry_run = false;
  FollowOptions follow;
};

struct ReplayJobOptions {
  std::string id;
  FollowOptions follow;
};

// Returns the --follow flag.
CLI::Option* AddFollowOptions(CLI::App& command, FollowOptions& options) {
  CLI::Option* follow =
      command.add_flag("--follow", options.follow,
                       "Show progress until the job ends; exit 4 if deliveries failed or it was "
                       "cancelled");
  command.add_option("--poll-interval-ms", options.poll_interval_ms, "How often --follow asks")
      ->check(CLI::Range(100, 60000))
      ->capture_default_str();
  return follow;
}

boost::json::object ReplayBody(const ReplayCreateOptions& options,
                               const std::string& destination_id) {
  boost::json::object body{
      {"destination_id", destination_id}, {"from", options.from}, {"to", options.to}};
  if (!options.source_id.empty()) body["source_id"] = options.source_id;
  if (!options.connection_id.empty()) body["connection_id"] = options.connection_id;
  if (!options.filter.empty()) body["filter"] = ReadFilterOption(options.filter);
  if (options.rate_limit) body["rate_limit"] = *options.rate_limit;
  if (options.max_events) body["max_events"] = *options.max_events;
  if (!options.id_mode.empty()) body["id_mode"] = options.id_mode;
  if (!options.only.empty()) body["only"] = options.only;
  return body;
}

void PrintJob(CommandContext& context, const boost::json::value& job) {
  context.out << RenderFields({
      {"id", FieldText(job, "id")},
      {"status", FieldText(job, "status")},
      {"status_reason", FieldText(job, "status_reason")},
      {"progress", FieldText(job, "processed") + "/" + FieldText(job, "total") + " (succeeded " +
                       FieldText(job, "succeeded") + ", failed " + FieldText(job, "failed") +
                       "; fixed " + FieldText(job, "fixed") + ", regressed " +
                       FieldText(job, "regressed") + ")"},
      {"destination_id", FieldText(job, "destination_id")},
      {"source_id", FieldText(job, "source_id")},
      {"connection_id", FieldText(job, "connection_id")},
      {"filter", FieldText(job, "filter")},
      {"from", FieldText(job, "from")},
      {"to", FieldText(job, "to")},
      {"rate_limit", FieldText(job, "rate_limit") + "/s"},
      {"max_events", FieldText(job, "max_events")},
      {"id_mode", FieldText(job, "id_mode")},
      {"only", FieldText(job, "only")},
      {"started_at", FieldText(job, "started_at")},
      {"completed_at", FieldText(job, "completed_at")},
      {"expires_at", FieldText(job, "expires_at")},
  });
}

ExitCode DryRun(CommandContext& context, const boost::json::object& body) {
  ApiReply reply = context.api.Post("/v1/replay", body, {{"dry_run", "true"}});
  if (context.json) {
    context.out << JsonLine(reply.json);
  } else {
    context.out << "Dry run: " << FieldText(reply.json, "total")
                << " events would be replayed (first received "
                << FieldText(reply.json, "first_received_at") << ", last received "
                << FieldText(reply.json, "last_received_at") << "). Nothing was sent.\n";
  }
  return ExitCode::ok;
}

ExitCode CreateReplay(CommandContext& context, const ReplayCreateOptions& options) {
  // Parsed before a destination may be made for --target-url, so a typo leaves nothing behind.
  boost::json::object body = ReplayBody(options, options.destination_id);
  TargetDestination target{options.destination_id, false};
  if (!options.target_url.empty()) {
    target = FindOrCreateTargetDestination(context, options.target_url);
    body["destination_id"] = target.id;
  }
  if (options.dry_run) {
    // A dry run changes nothing: a destination made for it goes again, whatever the outcome.
    std::optional<CliError> failure;
    try {
      DryRun(context, body);
    } catch (const CliError& error) {
      failure = error;
    }
    if (target.created) DeleteDestination(context, target.id);
    if (failure) throw *failure;
    return ExitCode::ok;
  }
  ApiReply reply = context.api.Post("/v1/replay", body);
  const boost::json::value& job = reply.json.at("job");
  if (options.follow.follow) {
    if (!context.json) {
      context.err << "Replay job " << FieldText(job, "id") << ": " << FieldText(job, "total")
                  << " events to " << target.id << " at " << FieldText(job, "rate_limit") << "/s\n";
    }
    return FollowJob(context, job, std::chrono::milliseconds(options.follow.poll_interval_ms));
  }
  if (context.json) {
    context.out << JsonLine(reply.json);
  } else {
    PrintJob(context, job);
    context.err << "Follow it with: rehook replay get " << FieldText(job, "id") << " --follow\n";
  }
  return ExitCode::ok;
}

ExitCode GetReplay(CommandContext& context, const ReplayJobOptions& options) {
  ApiReply reply = context.api.Get("/v1/replay/" + PathSegment(options.id));
  if (options.follow.follow) {
    return FollowJob(context, std::move(reply.json),
                     std::chrono::milliseconds(options.follow.poll_interval_ms));
  }
  if (context.json) {
    context.out << JsonLine(reply.json);
  } else {
    PrintJob(context, reply.json);
  }
  return ExitCode::ok;
}

ExitCode CancelReplay(CommandContext& context, const std::string& id) {
  ApiReply reply =
      context.api.Post("/v1/replay/" + PathSegment(id) + "/cancel", boost::json::object{});
  if (context.json) {
    context.out << JsonLine(reply.json);
  } else {
    context.out << "Cancelled replay job " << FieldText(reply.json, "id") << " after "
                << FieldText(reply.json, "processed") << " of " << FieldText(reply.json, "total")
                << " events.\n";
  }
  return ExitCode::ok;
}

void AddCreateCommand(CLI::App& replay, CommandSlot& slot) {
  auto options = std::make_shared<ReplayCreateOptions>();
  CLI::App* create = replay.add_subcommand(
      "create", "Start a replay job: re-deliver the events of a time range, oldest first");
  CLI::Option_group* target = create->add_option_group("target", "Where to deliver (one of)");
  target->add_option("--destination", options->destination_id, "Destination id (dst_...)");
  target->add_option("--target-url", options->target_url,
                     "Deliver to this URL (through a destination the CLI keeps for it)");
  target->require_option(1);
  create->add_option("--from", options->from, "Events received at or after (ISO 8601)")->required();
  create->add_option("--to", options->to, "Events received at or before (ISO 8601)")->required();
  create->add_option("--source", options->source_id, "Only events of this source (src_...)");
  create->add_option("--connection", options->connection_id,
                     "Replay what this connection would deliver: its source and filter");
  create->add_option("--filter", options->filter, "Filter (JSON, or @FILE holding it)");
  create->add_option("--rate-limit", options->rate_limit, "Events per second at most (1-100)");
  create->add_option("--max-events", options->max_events, "Events at most (1-10000)");
  create
      ->add_option("--id-mode", options->id_mode,
                   "webhook-id of the deliveries: new (consumers take them) or original (they "
                   "drop events they already have)")
      ->check(CLI::IsMember({"new", "original"}));
  create
      ->add_option("--only", options->only,
                   "Which events of the range: all, failed (latest attempt at the destination "
                   "failed) or undelivered (no attempt there succeeded)")
      ->check(CLI::IsMember({"all", "failed", "undelivered"}));
  CLI::Option* dry_run = create->add_flag("--dry-run", options->dry_run,
                                          "Count what would be replayed and send nothing");
  dry_run->excludes(AddFollowOptions(*create, options->follow));
  create->callback([&slot, options] {
    slot = [options](CommandContext& context) { return CreateReplay(context, *options); };
  });
}

}  // namespace

void AddReplayCommands(CLI::App& app, CommandSlot& slot) {
  CLI::App* replay = app.add_subcommand("replay", "Replay jobs: re-deliver captured events");
  replay->fallthrough()->require_subcommand(1);
  AddCreateCommand(*replay, slot);

  auto get_options = std::make_shared<ReplayJobOptions>();
  CLI::App* get = replay->add_subcommand("get", "Show a replay job");
  get->add_option("id", get_options->id, "Job id (job_...)")->required();
  AddFollowOptions(*get, get_options->follow);
  get->callback([&slot, get_options] {
    slot = [get_options](CommandContext& context) { return GetReplay(context, *get_options); };
  });

  auto cancel_id = std::make_shared<std::string>();
  CLI::App* cancel = replay->add_subcommand("cancel", "Stop a running replay job");
  cancel->add_option("id", *cancel_id, "Job id (job_...)")->required();
  cancel->callback([&slot, cancel_id] {
    slot = [cancel_id](CommandContext& context) { return CancelReplay(context, *cancel_id); };
  });
}

}  // namespace rehook::cli
