#include "cli/listen_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli/exit_codes.h"

namespace rehook::cli {
namespace {

std::string DefaultStateDir() {
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) {
    return std::string(state) + "/rehook/listen";
  }
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/state/rehook/listen";
}

[[noreturn]] void CannotWrite(const std::string& path, const std::string& why) {
  throw CliError(ExitCode::usage, "cannot write the listen state file " + path + ": " + why +
                                      " (choose another with --state-file)");
}

}  // namespace

ListenState::ListenState(std::string path, const std::string& source_id)
    : path_(path.empty() ? DefaultStateDir() + "/" + source_id : std::move(path)) {}

std::optional<std::string> ListenState::Load() const {
  std::ifstream in(path_);
  std::string id;
  if (!in || !std::getline(in, id) || id.empty()) return std::nullopt;
  return id;
}

void ListenState::Save(const std::string& event_id) {
  std::error_code error;
  const std::filesystem::path target(path_);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), error);
  if (error) CannotWrite(path_, error.message());
  const std::string aside = path_ + ".tmp";
  const int fd = ::open(aside.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) CannotWrite(path_, std::strerror(errno));
  const std::string line = event_id + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(aside.c_str(), path_.c_str()) != 0) {
    CannotWrite(path_, std::strerror(errno));
  }
}

void ListenState::Clear() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

}  // namespace rehook::cli
