// Process-level behaviour: health endpoints, keep-alive, configuration by environment.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "support/api_helpers.h"
#include "support/rehook_process.h"

namespace rehook::testing {
namespace {

TEST(ServerTest, HealthAndReadiness) {
  RehookProcess server;
  HttpClient client = server.Client();
  auto health = client.Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Json().at("status").as_string(), "ok");
  auto ready = client.Get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.Json().at("status").as_string(), "ready");
}

TEST(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  RehookProcess server;
  std::string pipeline;
  for (int i = 0; i < 50; ++i) pipeline += "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  pipeline += "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  std::string replies = RawExchange(server.port(), pipeline);
  size_t count = 0;
  for (size_t at = replies.find("HTTP/1.1 200"); at != std::string::npos;
       at = replies.find("HTTP/1.1 200", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 51u);
}

// An operator looking at `top -H` or /proc/<pid>/task sees which of rehook's threads is busy.
TEST(ServerTest, ThreadsAreNamedAfterTheirJob) {
  RehookProcess server(RehookOptions{{"--io-threads", "2"}});
  std::set<std::string> names;
  for (const auto& task :
       std::filesystem::directory_iterator("/proc/" + std::to_string(server.pid()) + "/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names.insert(name);
  }
  for (const char* expected : {"rehook-io-0", "rehook-io-1", "rehook-commit", "rehook-fsync",
                               "rehook-fwd-0", "rehook-replay-0", "rehook-sweeper"}) {
    EXPECT_TRUE(names.count(expected)) << expected;
  }
}

TEST(ServerTest, ConfiguredThroughEnvironmentVariables) {
  RehookProcess server(RehookOptions{
      {}, {{"REHOOK_MAX_BODY_BYTES", "10"}, {"REHOOK_PUBLIC_URL", "https://hooks.example.com"}}});
  HttpClient admin = server.Admin();
  auto source = admin.PostJson("/v1/sources", {{"name", "s"}}).Json();
  std::string id = JsonString(source, "id");
  EXPECT_EQ(JsonString(source, "ingest_url"), "https://hooks.example.com/in/" + id);
  EXPECT_EQ(server.Client().Request("POST", "/in/" + id, std::string(11, 'x')).status, 413);
  EXPECT_EQ(server.Client().Request("POST", "/in/" + id, std::string(10, 'x')).status, 200);
}

TEST(ServerTest, LogsAreJsonLines) {
  RehookProcess server;
  server.Client().Get("/healthz");
  server.Terminate();
  std::string logs = server.stderr_text();
  size_t lines = 0;
  size_t start = 0;
  while (start < logs.size()) {
    size_t end = logs.find('\n', start);
    std::string line = logs.substr(start, end - start);
    start = end == std::string::npos ? logs.size() : end + 1;
    if (line.empty()) continue;
    ++lines;
    boost::json::error_code ec;
    auto value = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << line;
    EXPECT_TRUE(value.as_object().contains("ts")) << line;
    EXPECT_TRUE(value.as_object().contains("level")) << line;
    EXPECT_TRUE(value.as_object().contains("msg")) << line;
  }
  EXPECT_GE(lines, 2u);
}

}  // namespace
}  // namespace rehook::testing
