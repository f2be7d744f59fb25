// `rehook events list`: captured webhooks, newest first; `rehook events retry`: resend one to a
// destination now.
#include <CLI/CLI.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <memory>

#include "cli/command_context.h"
#include "cli/filter_option.h"
#include "cli/list_paging.h"
#include "cli/output.h"

namespace rehook::cli {
namespace {

constexpr std::size_t kWidestPath = 48;

struct EventListOptions {
  std::string source_id;
  std::string from;
  std::string to;
  std::string filter;  // JSON in the filter language, or @FILE holding it
  std::string q;       // text the body must contain
  PageOptions page;
};

// The sub-path and query the webhook was sent to, as short as a table needs it.
std::string PathText(const boost::json::value& event) {
  std::string path = FieldText(event, "path");
  if (path == "-" || path.empty()) path = "/";
  std::string query = FieldText(event, "query");
  if (query != "-" && !query.empty()) path += "?" + query;
  return Shorten(path, kWidestPath);
}

ExitCode ListEvents(CommandContext& context, const EventListOptions& options) {
  QueryParams query;
  if (!options.source_id.empty()) query.emplace_back("source_id", options.source_id);
  if (!options.from.empty()) query.emplace_back("from", options.from);
  if (!options.to.empty()) query.emplace_back("to", options.to);
  if (!options.filter.empty()) {
    query.emplace_back("filter", boost::json::serialize(ReadFilterOption(options.filter)));
  }
  if (!options.q.empty()) query.emplace_back("q", options.q);
  Listing listing = FetchList(context.api, "/v1/events", std::move(query), options.page);
  std::vector<TableRow> rows;
  for (const auto& event : listing.data) {
    rows.push_back({FieldText(event, "received_at"), FieldText(event, "id"),
                    FieldText(event, "source_id"), FieldText(event, "method"), PathText(event),
                    FieldText(event, "size"), FieldText(event, "verified")});
  }
  PrintListing(
      context, listing,
      RenderTable({"RECEIVED", "ID", "SOURCE", "METHOD", "PATH", "BYTES", "VERIFIED"}, rows),
      "events");
  return ExitCode::ok;
}

ExitCode RetryEvent(CommandContext& context, const std::string& event_id,
                    const std::string& destination_id) {
  ApiReply reply = context.api.Post("/v1/events/" + PathSegment(event_id) + "/retry",
                                    boost::json::object{{"destination_id", destination_id}});
  const boost::json::value& attempt = reply.json.at("data");
  if (context.json) {
    context.out << JsonLine(reply.json);
  } else {
    context.out << RenderFields({{"id", FieldText(attempt, "id")},
                                 {"success", FieldText(attempt, "success")},
                                 {"status_code", FieldText(attempt, "status_code")},
                                 {"response_time_ms", FieldText(attempt, "response_time_ms")},
                                 {"error", FieldText(attempt, "error")},
                                 {"trigger", FieldText(attempt, "trigger")}});
  }
  // The resend was made and logged either way; a refusal by the destination is still a failure
  // a script should see.
  return attempt.at("success").as_bool() ? ExitCode::ok : ExitCode::not_delivered;
}

}  // namespace

void AddEventCommands(CLI::App& app, CommandSlot& slot) {
  CLI::App* events = app.add_subcommand("events", "Look at captured webhooks");
  events->fallthrough()->require_subcommand(1);

  auto options = std::make_shared<EventListOptions>();
  CLI::App* list = events->add_subcommand("list", "List captured events, newest first");
  list->add_option("--source", options->source_id, "Only events of this source (src_...)");
  list->add_option("--from", options->from, "Received at or after this time (ISO 8601)");
  list->add_option("--to", options->to, "Received at or before this time (ISO 8601)");
  list->add_option("--filter", options->filter,
                   "Only events passing this filter (JSON, or @FILE holding it)");
  list->add_option("--q", options->q, "Only events whose body contains this text");
  AddPageOptions(*list, options->page, "events");
  list->callback([&slot, options] {
    slot = [options](CommandContext& context) { return ListEvents(context, *options); };
  });

  auto event_id = std::make_shared<std::string>();
  auto destination_id = std::make_shared<std::string>();
  CLI::App* retry = events->add_subcommand(
      "retry",
      "Resend an event to a destination now, as forwarding would (even through an open "
      "circuit); exit 4 if the destination did not take it");
  retry->add_option("id", *event_id, "Event id (evt_...)")->required();
  retry->add_option("--destination", *destination_id, "Destination id (dst_...)")->required();
  retry->callback([&slot, event_id, destination_id] {
    slot = [event_id, destination_id](CommandContext& context) {
      return RetryEvent(context, *event_id, *destination_id);
    };
  });
}

}  // namespace rehook::cli
