#include "cli/client_cli.h"

#include <sys/ioctl.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

namespace rehook::cli {
namespace {

constexpr const char* kClientGroup =
    "Client options (keys, sources, destinations, connections, events, replay, listen)";

int TerminalWidth() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    if (int width = std::atoi(columns); width > 0) return width;
  }
  return 80;
}

}  // namespace

ClientCli::ClientCli(CLI::App& app) {
  app.add_option("--url", url_, "Base URL of the rehook server")
      ->envname("REHOOK_URL")
      ->capture_default_str()
      ->group(kClientGroup);
  app.add_option("--api-key", api_key_,
                 "API key (prefer the environment variable: arguments show up in ps)")
      ->envname("REHOOK_API_KEY")
      ->group(kClientGroup);
  app.add_option("--cacert", ca_file_, "Extra trusted CA certificates (PEM) for an https --url")
      ->envname("REHOOK_CACERT")
      ->check(CLI::ExistingFile)
      ->group(kClientGroup);
  app.add_option("--timeout", timeout_seconds_, "Seconds to wait for each answer of the server")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str()
      ->group(kClientGroup);
  app.add_flag("--json", json_, "Print JSON (the API's own response bodies) instead of tables")
      ->group(kClientGroup);
  AddKeyCommands(app, action_);
  AddSourceCommands(app, action_);
  AddEventCommands(app, action_);
  AddReplayCommands(app, action_);
  AddDestinationCommands(app, action_);
  AddConnectionCommands(app, action_);
  AddTransformationCommands(app, action_);
  AddListenCommand(app, action_);
  AddBackupCommand(app, action_);
}

int ClientCli::Run() {
  try {
    if (api_key_.empty()) {
      throw CliError(ExitCode::usage,
                     "no API key: set REHOOK_API_KEY or pass --api-key (a new server writes its "
                     "first key to <data-dir>/admin.key)");
    }
    ApiClient api(ApiClientSettings{
        url_, api_key_, ca_file_,
        std::chrono::milliseconds(static_cast<std::int64_t>(timeout_seconds_ * 1000))});
    CommandContext context{
        api, json_, std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1, TerminalWidth()};
    ExitCode code = action_(context);
    std::cout.flush();
    return static_cast<int>(code);
  } catch (const CliError& error) {
    std::cout.flush();
    std::cerr << "rehook: " << error.what() << "\n";
    return static_cast<int>(error.code());
  } catch (const std::exception& error) {
    // A reply of an unexpected shape (a field missing or of another type): not rehook's API.
    std::cout.flush();
    std::cerr << "rehook: unexpected answer from " << url_ << ": " << error.what() << "\n";
    return static_cast<int>(ExitCode::unavailable);
  }
}

int ExitForParseError(CLI::App& app, const CLI::ParseError& error) {
  const int cli11_code = app.exit(error);
  return cli11_code == 0 ? 0 : static_cast<int>(ExitCode::usage);
}

}  // namespace rehook::cli
