#pragma once
// `rehook replay create --target-url URL`: the API replays to destinations, not to URLs, so the
// CLI keeps one destination per target URL, marked as its own by the name, and reuses it on later
// runs instead of piling up a new destination each time.

#include <string>

#include "cli/command_context.h"

namespace rehook::cli {

struct TargetDestination {
  std::string id;
  bool created = false;  // made by this call (a dry run removes it again)
};

// The name the CLI gives a destination it makes for `url`.
std::string TargetDestinationName(const std::string& url);

// The CLI's destination for `url`, made when there is none yet. The server checks the URL as for
// any destination (http(s), and private addresses only when the operator allows them).
TargetDestination FindOrCreateTargetDestination(CommandContext& context, const std::string& url);

void DeleteDestination(CommandContext& context, const std::string& id);

}  // namespace rehook::cli
