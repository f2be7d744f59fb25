#pragma once
// The exit codes of the client commands (`rehook keys|sources|events|replay ...`), which scripts
// branch on. docs/CLI.md documents them; changing a value breaks those scripts.

#include <stdexcept>
#include <string>
#include <string_view>

namespace rehook::cli {

enum class ExitCode : int {
  ok = 0,
  // The server answered and refused the request (4xx): bad input, bad key, missing permission,
  // unknown id, a conflict. Retrying the same command will not help.
  refused = 1,
  // The command line itself is wrong: unknown command, missing or invalid flag.
  usage = 2,
  // No usable answer: the server cannot be reached, timed out, failed (5xx) or answered with
  // something that is not rehook's API. Retrying later may help.
  unavailable = 3,
  // Not everything was delivered: a followed replay job ended with failed deliveries or was
  // cancelled, or the destination of a resent event did not take it.
  not_delivered = 4,
};

// Thrown by the client commands; main prints `message` on stderr and exits with `code`.
class CliError : public std::runtime_error {
 public:
  CliError(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// How a finished HTTP exchange ends the command: ok for 2xx, refused for 4xx, unavailable for
// anything else (5xx, or 1xx/3xx, which the API never sends).
ExitCode ExitCodeForStatus(int http_status);

// How a replay job that reached `status` ends a --follow: ok only for "completed" with no
// failed deliveries.
ExitCode ExitCodeForJob(std::string_view status, long long failed);

// Whether `body` has the API's error shape {"error":{"message",...}}: when it does not, the
// answer came from something else at the URL (a proxy, another service).
bool IsApiErrorReply(std::string_view body);

// The sentence printed for an API error reply: the API's own message and code when the body is
// the API's error shape, else the status and (a prefix of) the body.
//   "'role' must be one of viewer, ... (bad_request, HTTP 400)"
std::string DescribeErrorReply(int http_status, std::string_view body);

}  // namespace rehook::cli
