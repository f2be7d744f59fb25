// `rehook sources create|list`: where webhooks are captured.
#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

#include <memory>

#include "cli/command_context.h"
#include "cli/list_paging.h"
#include "cli/output.h"

namespace rehook::cli {
namespace {

ExitCode CreateSource(CommandContext& context, const std::string& name) {
  ApiReply reply = context.api.Post("/v1/sources", boost::json::object{{"name", name}});
  if (context.json) {
    context.out << JsonLine(reply.json);
    return ExitCode::ok;
  }
  const auto& source = reply.json;
  context.out << RenderFields({{"id", FieldText(source, "id")},
                               {"name", FieldText(source, "name")},
                               {"ingest_url", FieldText(source, "ingest_url")},
                               {"created_at", FieldText(source, "created_at")}});
  return ExitCode::ok;
}

ExitCode ListSources(CommandContext& context, const PageOptions& options) {
  Listing listing = FetchList(context.api, "/v1/sources", {}, options);
  std::vector<TableRow> rows;
  for (const auto& source : listing.data) {
    rows.push_back({FieldText(source, "id"), FieldText(source, "name"),
                    FieldText(source, "ingest_url"), FieldText(source, "created_at")});
  }
  PrintListing(context, listing, RenderTable({"ID", "NAME", "INGEST URL", "CREATED"}, rows),
               "sources");
  return ExitCode::ok;
}

}  // namespace

void AddSourceCommands(CLI::App& app, CommandSlot& slot) {
  CLI::App* sources = app.add_subcommand("sources", "Create and list sources (ingest URLs)");
  sources->fallthrough()->require_subcommand(1);

  auto name = std::make_shared<std::string>();
  CLI::App* create = sources->add_subcommand("create", "Create a source; prints its ingest URL");
  create->add_option("--name", *name, "What the source receives, e.g. stripe")->required();
  create->callback([&slot, name] {
    slot = [name](CommandContext& context) { return CreateSource(context, *name); };
  });

  auto page = std::make_shared<PageOptions>();
  CLI::App* list = sources->add_subcommand("list", "List sources, newest first");
  AddPageOptions(*list, *page, "sources");
  list->callback([&slot, page] {
    slot = [page](CommandContext& context) { return ListSources(context, *page); };
  });
}

}  // namespace rehook::cli
