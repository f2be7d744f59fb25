#include "cli/resource_commands.h"

#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

#include <memory>

namespace rehook::cli {
namespace {

ExitCode DeleteResource(CommandContext& context, const ResourceKind& kind, const std::string& id) {
  context.api.Delete(kind.PathOf(id));
  // The API answers 204 with no body; a script still gets one JSON document saying what went.
  if (context.json) {
    context.out << JsonLine(boost::json::object{{"id", id}, {"deleted", true}});
  } else {
    context.out << "Deleted " << kind.noun << " " << id << ".\n";
  }
  return ExitCode::ok;
}

// Adds `name ID` to `group`, running `run(context, id)`.
void AddIdCommand(CLI::App& group, CommandSlot& slot, const std::string& name,
                  const std::string& description,
                  std::function<ExitCode(CommandContext&, const std::string&)> run) {
  auto id = std::make_shared<std::string>();
  CLI::App* command = group.add_subcommand(name, description);
  command->add_option("id", *id, "Its id")->required();
  command->callback([&slot, id, run] {
    slot = [id, run](CommandContext& context) { return run(context, *id); };
  });
}

}  // namespace

ExitCode PrintResource(CommandContext& context, const ResourceKind& kind,
                       const boost::json::value& resource) {
  if (context.json) {
    context.out << JsonLine(resource);
  } else {
    context.out << RenderFields(kind.fields(resource));
  }
  return ExitCode::ok;
}

void AddIdCommands(CLI::App& group, CommandSlot& slot, const ResourceKind& kind, bool toggles) {
  AddIdCommand(group, slot, "get", "Show one " + kind.noun,
               [kind](CommandContext& context, const std::string& id) {
                 return PrintResource(context, kind, context.api.Get(kind.PathOf(id)).json);
               });
  AddIdCommand(group, slot, "delete", "Delete a " + kind.noun,
               [kind](CommandContext& context, const std::string& id) {
                 return DeleteResource(context, kind, id);
               });
  if (!toggles) return;
  for (const bool enable : {true, false}) {
    AddIdCommand(group, slot, enable ? "enable" : "disable",
                 (enable ? "Enable a " : "Disable a ") + kind.noun,
                 [kind, enable](CommandContext& context, const std::string& id) {
                   const ApiReply reply =
                       context.api.Patch(kind.PathOf(id), boost::json::object{{"enabled", enable}});
                   return PrintResource(context, kind, reply.json);
                 });
  }
}

}  // namespace rehook::cli
