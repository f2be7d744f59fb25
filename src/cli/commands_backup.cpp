// `rehook backup --to FILE`: a consistent copy of the server's SQLite store, taken while it keeps
// capturing (POST /v1/admin/backup, a super_admin key). Written beside FILE first, fsync'd, then
// renamed: FILE is the whole backup or is not there. `rehook restore` puts it back.
#include <fcntl.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include "cli/command_context.h"
#include "common/file_sync.h"

namespace rehook::cli {
namespace {

struct BackupOptions {
  std::string to;
  bool force = false;
  int max_rate = 0;  // MB/s, 0: no limit
};

// A file written from the start, removed unless Keep() is reached: a broken download leaves
// nothing behind. Synced every kSyncBytes as it grows, so that the last fsync is short and the
// writeback of a large copy does not stall everything else on the disk at once.
class PartialFile {
 public:
  explicit PartialFile(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) Fail("cannot create");
  }
  ~PartialFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) ::unlink(path_.c_str());
  }
  void Write(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t wrote = ::write(fd_, bytes.data(), bytes.size());
      if (wrote < 0 && errno == EINTR) continue;
      if (wrote <= 0) Fail("cannot write");
      bytes.remove_prefix(static_cast<std::size_t>(wrote));
      written_ += static_cast<std::uint64_t>(wrote);
    }
    if (written_ - synced_ >= kSyncBytes) {
      Sync();
      synced_ = written_;
    }
  }
  // fsync, then rename over `final_path` and fsync its directory.
  void Keep(const std::string& final_path) {
    Sync();
    ::close(fd_);
    fd_ = -1;
    std::filesystem::rename(path_, final_path);
    kept_ = true;
    Durably([&] { SyncDirectoryOf(final_path); });
  }
  std::uint64_t written() const { return written_; }

 private:
  static constexpr std::uint64_t kSyncBytes = 32 << 20;

  void Sync() {
    Durably([&] { SyncDescriptor(fd_, path_); });
  }
  template <class F>
  static void Durably(F&& sync) {
    try {
      sync();
    } catch (const std::system_error& e) {
      throw CliError(ExitCode::unavailable, e.what());
    }
  }
  [[noreturn]] void Fail(const char* what) {
    throw CliError(ExitCode::unavailable,
                   std::string(what) + " " + path_ + ": " + std::strerror(errno));
  }
  std::string path_;
  int fd_ = -1;
  bool kept_ = false;
  std::uint64_t written_ = 0;
  std::uint64_t synced_ = 0;
};

ExitCode Backup(CommandContext& context, const BackupOptions& options) {
  if (std::filesystem::exists(options.to) && !options.force) {
    throw CliError(ExitCode::usage, options.to + " exists: pass --force to replace it");
  }
  PartialFile file(options.to + ".partial");
  // The server makes the whole copy before the first byte: allow it a while on a large store.
  QueryParams query;
  if (options.max_rate > 0) query.emplace_back("max_mb_per_s", std::to_string(options.max_rate));
  context.api.Download("/v1/admin/backup", query, std::chrono::minutes(10),
                       [&](std::string_view bytes) {
                         file.Write(bytes);
                         return true;
                       });
  const std::uint64_t bytes = file.written();
  file.Keep(options.to);
  context.err << "Backup written to " << options.to << " (" << bytes
              << " bytes). Restore it with: rehook restore --from " << options.to
              << " --data-dir DIR\n";
  return ExitCode::ok;
}

}  // namespace

void AddBackupCommand(CLI::App& app, CommandSlot& slot) {
  auto options = std::make_shared<BackupOptions>();
  CLI::App* backup = app.add_subcommand(
      "backup",
      "Download a consistent copy of the server's SQLite store while it keeps running "
      "(needs a super_admin key)");
  backup->add_option("--to", options->to, "The file to write")->required();
  backup->add_flag("--force", options->force, "Replace the file if it exists");
  backup
      ->add_option("--max-rate", options->max_rate,
                   "Megabytes a second the server may write its copy at, so that a disk it "
                   "shares with the store keeps up with captures (default: no limit)")
      ->check(CLI::Range(1, 100000));
  backup->callback([&slot, options] {
    slot = [options](CommandContext& context) { return Backup(context, *options); };
  });
}

}  // namespace rehook::cli
