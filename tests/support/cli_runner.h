#pragma once
// Runs the rehook binary as a client command (`rehook events list ...`) for end-to-end tests and
// captures what a script would see: the exit code, stdout and stderr. The environment is the
// test's own minus every REHOOK_* variable, plus what the test passes.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace rehook::testing {

struct CliResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out;
  std::string err;
};

// Starts `rehook args...` and waits for it to exit; a command still running after `timeout` is
// killed, and the test fails (no client command should hang).
CliResult RunCli(const std::vector<std::string>& args,
                 const std::vector<std::pair<std::string, std::string>>& env = {},
                 std::chrono::milliseconds timeout = std::chrono::seconds(90));

}  // namespace rehook::testing
