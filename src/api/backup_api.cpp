// POST /v1/admin/backup (super_admin): a consistent copy of the whole SQLite store, taken while
// the server keeps capturing, streamed as the response body. The copy is made next to the store
// (its data directory: the same disk) and removed once sent, or when the client goes.
// ?max_mb_per_s= slows the copy down for a disk that the captures need too.
#include <charconv>
#include <filesystem>
#include <fstream>

#include "api/routes.h"
#include "common/iso8601.h"
#include "common/log.h"
#include "common/random.h"
#include "http/api_error.h"

namespace rehook {
namespace {

constexpr std::size_t kChunkBytes = 256 * 1024;

// ?max_mb_per_s=N: how fast the copy may be written (megabytes of 2^20 bytes a second), so that
// on a disk shared with the store it leaves room for the captures' fsyncs; absent: no limit.
std::int64_t MaxBytesPerSecond(ApiRequest& request) {
  const std::optional<std::string> text = request.Query("max_mb_per_s");
  if (!text) return 0;
  std::int64_t megabytes = 0;
  const char* end = text->data() + text->size();
  const auto [stop, error] = std::from_chars(text->data(), end, megabytes);
  if (error != std::errc() || stop != end || megabytes < 1 || megabytes > 100'000) {
    throw ApiError::BadRequest(
        "'max_mb_per_s' must be a whole number of megabytes a second "
        "from 1 to 100000");
  }
  return megabytes << 20;
}

// Streams `path` and removes it afterwards, however the stream ends.
boost::asio::awaitable<void> SendAndRemove(std::string path, std::shared_ptr<BodyStream> body) {
  try {
    std::ifstream file(path, std::ios::binary);
    std::string chunk(kChunkBytes, '\0');
    while (file) {
      file.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      const auto got = static_cast<std::size_t>(file.gcount());
      if (got == 0) break;
      if (!co_await body->Write(chunk.substr(0, got))) break;  // the client went away
    }
    if (file.bad()) {
      log::Error("backup.read_failed", {{"path", path}});
      body->Abort();  // no final chunk: the client sees a broken download, not a short file
    }
  } catch (const std::exception& e) {
    log::Error("backup.send_failed", {{"error", e.what()}});
    body->Abort();
  }
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

boost::asio::awaitable<HttpResponse> Backup(ApiRequest& request) {
  ApiServices& services = request.services;
  if (services.backup_dir.empty()) {
    throw ApiError::Conflict("this server has no data directory to make a backup in");
  }
  const std::int64_t max_bytes_per_second = MaxBytesPerSecond(request);
  const std::string path = services.backup_dir + "/backup-" + RandomHex(8) + ".db.partial";
  try {
    co_await services.backup.Run(
        [&](StoreBackup& store) { store.BackupTo(path, max_bytes_per_second); });
  } catch (const BackupUnsupported& e) {
    throw ApiError::Conflict(e.what());
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    throw;
  }
  log::Info("backup.made", {{"bytes", std::to_string(std::filesystem::file_size(path))}});
  HttpResponse response;
  response.SetHeader("Content-Type", "application/vnd.sqlite3");
  response.SetHeader("Content-Disposition", "attachment; filename=\"rehook-" +
                                                FormatIso8601(services.clock.Now()).substr(0, 10) +
                                                ".db\"");
  response.stream = [path](std::shared_ptr<BodyStream> body) {
    return SendAndRemove(path, std::move(body));
  };
  co_return response;
}

}  // namespace

void AddBackupRoutes(ApiRouter& router) {
  router.Add("POST", "/v1/admin/backup", {Permission::backup_store, Backup});
}

}  // namespace rehook
