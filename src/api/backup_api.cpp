// POST /v1/admin/backup (super_admin): a consistent copy of the whole SQLite store, taken while
// the server keeps capturing, streamed as the response body. The copy is made next to the store
// (its data directory: the same disk) and removed once sent, or when the client goes.
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
  const std::string path = services.backup_dir + "/backup-" + RandomHex(8) + ".db.partial";
  try {
    co_await services.backup.Run([&](StoreBackup& store) { store.BackupTo(path); });
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
