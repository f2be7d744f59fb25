// `rehook connections create|list|get|update|delete|enable|disable`: which source's events go to
// which destination, through which filter.
#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

#include <memory>

#include "cli/filter_option.h"
#include "cli/list_paging.h"
#include "cli/resource_commands.h"

namespace rehook::cli {
namespace {

struct ConnectionOptions {
  std::string id;  // update only
  std::string source_id;
  std::string destination_id;
  std::string filter;      // JSON, or @FILE holding it
  bool no_filter = false;  // update only
  std::string transformation_id;
  bool no_transformation = false;  // update only
  bool disabled = false;           // create only
};

Fields ConnectionFields(const boost::json::value& connection) {
  return {{"id", FieldText(connection, "id")},
          {"source_id", FieldText(connection, "source_id")},
          {"destination_id", FieldText(connection, "destination_id")},
          {"filter", FieldText(connection, "filter")},
          {"transformation_id", FieldText(connection, "transformation_id")},
          {"enabled", FieldText(connection, "enabled")},
          {"created_at", FieldText(connection, "created_at")},
          {"updated_at", FieldText(connection, "updated_at")}};
}

const ResourceKind kConnections{"/v1/connections", "connection", ConnectionFields};

boost::json::object ConnectionBody(const ConnectionOptions& options) {
  boost::json::object body;
  if (!options.source_id.empty()) body["source_id"] = options.source_id;
  if (!options.destination_id.empty()) body["destination_id"] = options.destination_id;
  if (!options.filter.empty()) body["filter"] = ReadFilterOption(options.filter);
  if (options.no_filter) body["filter"] = nullptr;
  if (!options.transformation_id.empty()) body["transformation_id"] = options.transformation_id;
  if (options.no_transformation) body["transformation_id"] = nullptr;
  if (options.disabled) body["enabled"] = false;
  return body;
}

ExitCode ListConnections(CommandContext& context, const PageOptions& options) {
  Listing listing = FetchList(context.api, "/v1/connections", {}, options);
  std::vector<TableRow> rows;
  for (const auto& connection : listing.data) {
    rows.push_back({FieldText(connection, "id"), FieldText(connection, "source_id"),
                    FieldText(connection, "destination_id"), FieldText(connection, "enabled"),
                    Shorten(FieldText(connection, "filter"), 40)});
  }
  PrintListing(context, listing,
               RenderTable({"ID", "SOURCE", "DESTINATION", "ENABLED", "FILTER"}, rows),
               "connections");
  return ExitCode::ok;
}

}  // namespace

void AddConnectionCommands(CLI::App& app, CommandSlot& slot) {
  CLI::App* connections =
      app.add_subcommand("connections", "Manage which source's events go to which destination");
  connections->fallthrough()->require_subcommand(1);

  auto create_options = std::make_shared<ConnectionOptions>();
  CLI::App* create = connections->add_subcommand("create", "Connect a source to a destination");
  create->add_option("--source", create_options->source_id, "Source id (src_...)")->required();
  create->add_option("--destination", create_options->destination_id, "Destination id (dst_...)")
      ->required();
  create->add_option("--filter", create_options->filter,
                     "Only events passing this filter (JSON, or @FILE holding it)");
  create->add_flag("--disabled", create_options->disabled, "Create it disabled");
  create->add_option("--transformation", create_options->transformation_id,
                     "Run this transformation (trf_...) on each event before delivering it");
  create->callback([&slot, create_options] {
    slot = [create_options](CommandContext& context) {
      return PrintResource(
          context, kConnections,
          context.api.Post("/v1/connections", ConnectionBody(*create_options)).json);
    };
  });

  auto page = std::make_shared<PageOptions>();
  CLI::App* list = connections->add_subcommand("list", "List connections, newest first");
  AddPageOptions(*list, *page, "connections");
  list->callback([&slot, page] {
    slot = [page](CommandContext& context) { return ListConnections(context, *page); };
  });

  auto update_options = std::make_shared<ConnectionOptions>();
  CLI::App* update = connections->add_subcommand("update", "Change a connection");
  update->add_option("id", update_options->id, "Connection id (con_...)")->required();
  update->add_option("--destination", update_options->destination_id, "Deliver to another one");
  CLI::Option* filter = update->add_option("--filter", update_options->filter,
                                           "A new filter (JSON, or @FILE holding it)");
  update->add_flag("--no-filter", update_options->no_filter, "Remove the filter")->excludes(filter);
  CLI::Option* transformation = update->add_option(
      "--transformation", update_options->transformation_id, "Run this transformation instead");
  update
      ->add_flag("--no-transformation", update_options->no_transformation,
                 "Deliver events as captured again")
      ->excludes(transformation);
  update->callback([&slot, update_options] {
    slot = [update_options](CommandContext& context) {
      boost::json::object body = ConnectionBody(*update_options);
      if (body.empty()) throw CliError(ExitCode::usage, "update: nothing to change was given");
      return PrintResource(context, kConnections,
                           context.api.Patch(kConnections.PathOf(update_options->id), body).json);
    };
  });

  AddIdCommands(*connections, slot, kConnections);
}

}  // namespace rehook::cli
