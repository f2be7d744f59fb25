#pragma once
// What a client command runs with, and how commands are registered: each commands_*.cpp adds its
// CLI11 subcommands and, when one of them is parsed, stores the action to run afterwards in the
// shared CommandSlot. Actions run once the whole command line parsed, never from a CLI11 callback
// that could still fail.

#include <functional>
#include <ostream>

#include "cli/api_client.h"
#include "cli/exit_codes.h"

namespace CLI {
class App;
}

namespace rehook::cli {

struct CommandContext {
  ApiClient& api;
  bool json = false;  // --json: stdout carries exactly one JSON document
  std::ostream& out;  // data
  std::ostream& err;  // notes for people, and errors
  bool out_is_terminal = false;
  int terminal_width = 80;
};

using CommandAction = std::function<ExitCode(CommandContext&)>;
using CommandSlot = CommandAction;

// Each adds one command group under `app` (`rehook keys ...`, `rehook sources ...`, ...).
void AddKeyCommands(CLI::App& app, CommandSlot& slot);
void AddSourceCommands(CLI::App& app, CommandSlot& slot);
void AddEventCommands(CLI::App& app, CommandSlot& slot);
void AddReplayCommands(CLI::App& app, CommandSlot& slot);
void AddDestinationCommands(CLI::App& app, CommandSlot& slot);
void AddConnectionCommands(CLI::App& app, CommandSlot& slot);
void AddListenCommand(CLI::App& app, CommandSlot& slot);
void AddTransformationCommands(CLI::App& app, CommandSlot& slot);
void AddBackupCommand(CLI::App& app, CommandSlot& slot);

}  // namespace rehook::cli
