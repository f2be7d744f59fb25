#pragma once
// What `rehook destinations`, `connections` and `transformations` share: both are resources of the
// API addressed by id under one collection path, shown as a block of fields, and both have the same
// get, delete, enable and disable commands.

#include <boost/json/value.hpp>

#include <functional>
#include <string>

#include "cli/command_context.h"
#include "cli/output.h"

namespace CLI {
class App;
}

namespace rehook::cli {

struct ResourceKind {
  std::string collection;  // "/v1/destinations"
  std::string noun;        // "destination"
  // The fields a person reads for one resource (the API's JSON object).
  std::function<Fields(const boost::json::value&)> fields;

  std::string PathOf(const std::string& id) const { return collection + "/" + PathSegment(id); }
};

// Prints a resource the API answered with: its fields, or with --json the API's body.
ExitCode PrintResource(CommandContext& context, const ResourceKind& kind,
                       const boost::json::value& resource);

// Adds `get ID` and `delete ID` under `group`, and with `toggles` `enable ID` and `disable ID`.
void AddIdCommands(CLI::App& group, CommandSlot& slot, const ResourceKind& kind,
                   bool toggles = true);

}  // namespace rehook::cli
