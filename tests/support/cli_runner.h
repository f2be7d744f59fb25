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

// A client command running in the background (`rehook listen ...`): its output so far, signals,
// and its end. Killed with SIGKILL if still running when destroyed.
class CliProcess {
 public:
  CliProcess(const std::vector<std::string>& args,
             const std::vector<std::pair<std::string, std::string>>& env = {});
  ~CliProcess();
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  std::string out() const;  // stdout so far
  std::string err() const;  // stderr so far
  void Signal(int signal);
  // Waits for the exit; past `timeout` kills it and fails the test.
  CliResult Wait(std::chrono::milliseconds timeout);

 private:
  std::vector<std::string> args_;
  std::string dir_;
  int pid_ = -1;
  int status_ = 0;
};

// Starts `rehook args...` and waits for it to exit; a command still running after `timeout` is
// killed, and the test fails (no client command should hang).
CliResult RunCli(const std::vector<std::string>& args,
                 const std::vector<std::pair<std::string, std::string>>& env = {},
                 std::chrono::milliseconds timeout = std::chrono::seconds(90));

}  // namespace rehook::testing
