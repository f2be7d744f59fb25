#include "support/rehook_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace rehook::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

RehookProcess::RehookProcess(RehookOptions options) : options_(std::move(options)) {
  if (options_.database_url.empty() && EndToEndOnPostgres()) database_.emplace();
  Launch();
}

RehookProcess::~RehookProcess() {
  if (::testing::Test::HasFailure()) {
    std::string logs = stderr_text();
    if (logs.size() > 4000) logs = logs.substr(logs.size() - 4000);
    std::cerr << "---- rehook stderr (tail) ----\n" << logs << "\n------------------------------\n";
  }
  if (running()) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void RehookProcess::Launch() {
  std::string listen = "127.0.0.1:" + std::to_string(port_);  // 0 on the first launch
  std::vector<std::string> args = {REHOOK_BINARY, "serve",      "--listen",
                                   listen,        "--data-dir", data_dir()};
  std::string database_url = database_ ? database_->url() : options_.database_url;
  if (!database_url.empty()) args.insert(args.end(), {"--database", database_url});
  args.insert(args.end(), options_.args.begin(), options_.args.end());
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    if (entry.rfind("REHOOK_", 0) == 0) continue;  // tests say explicitly what they want
    env_storage.push_back(entry);
  }
  for (auto& [name, value] : options_.env) env_storage.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& entry : env_storage) envp.push_back(entry.data());
  envp.push_back(nullptr);

  std::string out_path = dir_.path() + "/stdout." + std::to_string(launches_) + ".log";
  std::string err_path = dir_.path() + "/stderr.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  int rc = posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
  ++launches_;

  constexpr std::string_view kListening = "listening on ";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string out = ReadFile(out_path);
    size_t at = out.find(kListening);
    size_t line_end = at == std::string::npos ? at : out.find('\n', at);
    if (line_end != std::string::npos) {
      url_ = out.substr(at + kListening.size(), line_end - at - kListening.size());
      port_ = static_cast<std::uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1)));
      admin_key_ = ReadFile(data_dir() + "/admin.key");
      while (!admin_key_.empty() && (admin_key_.back() == '\n')) admin_key_.pop_back();
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("rehook exited during start-up: " + stderr_text());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("rehook did not start within 60 s: " + stderr_text());
}

void RehookProcess::Kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int RehookProcess::Terminate() {
  if (!running()) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

void RehookProcess::Restart() {
  if (running()) Terminate();
  Launch();
}

void RehookProcess::Restart(RehookOptions options) {
  options_ = std::move(options);
  Restart();
}

std::string RehookProcess::stdout_text() const {
  return ReadFile(dir_.path() + "/stdout." + std::to_string(launches_ - 1) + ".log");
}

std::string RehookProcess::stderr_text() const { return ReadFile(dir_.path() + "/stderr.log"); }

HttpClient RehookProcess::Client() const { return HttpClient("127.0.0.1", port_); }

HttpClient RehookProcess::Admin() const { return WithKey(admin_key_); }

HttpClient RehookProcess::WithKey(const std::string& key) const {
  HttpClient client("127.0.0.1", port_);
  client.SetDefaultHeader("X-API-Key", key);
  return client;
}

}  // namespace rehook::testing
