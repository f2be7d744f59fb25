// `rehook events list`: captured webhooks, newest first.
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/command_context.h"
#include "cli/list_paging.h"
#include "cli/output.h"

namespace rehook::cli {
namespace {

constexpr std::size_t kWidestPath = 48;

struct EventListOptions {
  std::string source_id;
  std::string from;
  std::string to;
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

}  // namespace

void AddEventCommands(CLI::App& app, CommandSlot& slot) {
  CLI::App* events = app.add_subcommand("events", "Look at captured webhooks");
  events->fallthrough()->require_subcommand(1);

  auto options = std::make_shared<EventListOptions>();
  CLI::App* list = events->add_subcommand("list", "List captured events, newest first");
  list->add_option("--source", options->source_id, "Only events of this source (src_...)");
  list->add_option("--from", options->from, "Received at or after this time (ISO 8601)");
  list->add_option("--to", options->to, "Received at or before this time (ISO 8601)");
  AddPageOptions(*list, options->page, "events");
  list->callback([&slot, options] {
    slot = [options](CommandContext& context) { return ListEvents(context, *options); };
  });
}

}  // namespace rehook::cli
