#pragma once
// Runs the real rehook binary for end-to-end tests: a fresh data directory, a free loopback
// port, the admin key read from <data-dir>/admin.key. Can kill -9 and restart on the same data
// and port. Logs go to files; a failing test prints the tail of stderr.
//
// The store is SQLite in the data directory, or, when the suite runs on PostgreSQL
// (EndToEndOnPostgres()), a fresh database of its own on the test cluster.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.h"
#include "support/temp_dir.h"
#include "support/test_postgres.h"

namespace rehook::testing {

struct RehookOptions {
  std::vector<std::string> args = {};  // extra `rehook serve` flags
  std::vector<std::pair<std::string, std::string>> env = {};
  // Run on this PostgreSQL database (several nodes sharing one) instead of the suite's store.
  std::string database_url = {};
};

class RehookProcess {
 public:
  explicit RehookProcess(RehookOptions options = {});
  ~RehookProcess();
  RehookProcess(const RehookProcess&) = delete;
  RehookProcess& operator=(const RehookProcess&) = delete;

  // SIGKILL, then reap: no shutdown code runs (a crash or power cut, as far as rehook knows).
  void Kill();
  // SIGTERM and wait for exit; returns the exit status (or 128 + signal).
  int Terminate();
  // Starts again on the same data dir and port, with the same or new extra flags.
  void Restart();
  void Restart(RehookOptions options);
  bool running() const { return pid_ > 0; }

  std::uint16_t port() const { return port_; }
  const std::string& url() const { return url_; }
  const std::string& admin_key() const { return admin_key_; }
  std::string data_dir() const { return dir_.path() + "/data"; }
  pid_t pid() const { return pid_; }
  std::string stdout_text() const;
  std::string stderr_text() const;

  // A client without credentials, and one sending the admin key.
  HttpClient Client() const;
  HttpClient Admin() const;
  HttpClient WithKey(const std::string& key) const;

 private:
  void Launch();

  RehookOptions options_;
  TempDir dir_;
  std::optional<TestDatabase> database_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string url_;
  std::string admin_key_;
  int launches_ = 0;
};

}  // namespace rehook::testing
