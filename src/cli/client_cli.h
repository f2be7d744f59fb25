#pragma once
// The client half of the rehook binary: `rehook keys|sources|events|replay ...` talk to a running
// server over its HTTP API. main() registers these beside `serve` and, after parsing, runs
// whichever command was chosen. docs/CLI.md is the user's guide.

#include <chrono>
#include <string>

#include "cli/command_context.h"

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace rehook::cli {

class ClientCli {
 public:
  // Adds the client options (--url, --api-key, --json, ...) and commands to `app`. `app` must
  // outlive this object's use, and this object must outlive parsing.
  explicit ClientCli(CLI::App& app);

  // Whether the command line chose a client command.
  bool chosen() const { return static_cast<bool>(action_); }

  // Runs the chosen command; prints errors on stderr and returns the exit code (exit_codes.h).
  int Run();

 private:
  std::string url_ = "http://127.0.0.1:8080";
  std::string api_key_;
  std::string ca_file_;
  double timeout_seconds_ = 30;
  bool json_ = false;
  CommandSlot action_;
};

// Prints a CLI11 parse error (or --help) the way CLI11 does and returns the exit code: 0 for
// --help, ExitCode::usage for every real error (CLI11's own codes are 100 and up).
int ExitForParseError(CLI::App& app, const CLI::ParseError& error);

}  // namespace rehook::cli
