#include "common/file_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace rehook {
namespace {

[[noreturn]] void Fail(int error, const std::string& what, const std::string& path) {
  throw std::system_error(error, std::generic_category(), what + " " + path);
}

void SyncOpened(const std::string& path, int flags, const char* what) {
  const int fd = ::open(path.c_str(), flags | O_RDONLY | O_CLOEXEC);
  if (fd < 0) Fail(errno, "cannot open", path);
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0) Fail(error, what, path);
}

}  // namespace

void SyncFile(const std::string& path) { SyncOpened(path, 0, "cannot fsync"); }

void SyncDescriptor(int fd, const std::string& path) {
  if (::fdatasync(fd) != 0) Fail(errno, "cannot fsync", path);
}

void SyncDirectoryOf(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  SyncOpened(parent.empty() ? "." : parent.string(), O_DIRECTORY, "cannot fsync directory");
}

}  // namespace rehook
