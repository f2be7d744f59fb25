// `rehook listen` through the real binaries: a running CLI re-sends each captured webhook to a
// local sink as its original request; killed with SIGKILL and started again, it continues after
// the last event it handled (its state file), so the sink gets every event exactly once, those
// captured while it was down included; it rides out a server restart; the local app's failures
// are shown and do not stop it; Ctrl-C ends it with exit 0. Runs on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <set>

#include "support/api_helpers.h"
#include "support/cli_runner.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"
#include "support/temp_dir.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

std::string ReadState(const std::string& path) {
  std::ifstream in(path);
  std::string id;
  std::getline(in, id);
  return id;
}

class ListenTest : public ::testing::Test {
 protected:
  ListenTest() { source_ = CreateSource(admin_, "shop"); }

  std::unique_ptr<CliProcess> Listen(const std::string& forward_to,
                                     std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"listen",   "--source",     source_,    "--forward-to",
                                     forward_to, "--state-file", state_file_};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<CliProcess>(
        args, std::vector<std::pair<std::string, std::string>>{
                  {"REHOOK_URL", server_.url()}, {"REHOOK_API_KEY", server_.admin_key()}});
  }

  // Captures `n` events with bodies {"n":first}, {"n":first+1}, ...; returns their ids.
  std::vector<std::string> CaptureEvents(int first, int n) {
    std::vector<std::string> ids;
    for (int i = first; i < first + n; ++i) {
      auto response = client_.Request("POST", "/in/" + source_ + "/orders?n=" + std::to_string(i),
                                      R"({"n":)" + std::to_string(i) + "}",
                                      {{"Content-Type", "application/json"}, {"X-Shop", "acme"}});
      EXPECT_EQ(response.status, 200) << response.body;
      ids.push_back(JsonString(response.Json(), "id"));
    }
    return ids;
  }

  std::vector<std::string> SinkEventIds() const {
    std::vector<std::string> ids;
    for (const auto& request : sink_.requests()) {
      ids.push_back(request.Header("X-Rehook-Event-Id").value_or("?"));
    }
    return ids;
  }

  TempDir state_dir_;
  std::string state_file_ = state_dir_.path() + "/listen-state";
  SinkServer sink_;
  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
  std::string source_;
};

TEST_F(ListenTest, ForwardsEveryEventOnceAcrossAKillAndARestartOfTheCli) {
  // --since: the events captured before the CLI has connected are its too.
  auto cli = Listen(sink_.url() + "/local", {"--since", "1m"});
  std::vector<std::string> expected = CaptureEvents(0, 5);
  ASSERT_TRUE(sink_.WaitForCount(5, 20s)) << cli->err();
  // Killed between two events (its state file names the last one it handled).
  WaitUntil([&] { return ReadState(state_file_) == expected.back(); }, 10s);
  ASSERT_EQ(ReadState(state_file_), expected.back());
  cli->Signal(SIGKILL);
  cli->Wait(10s);

  std::vector<std::string> while_down = CaptureEvents(5, 5);
  expected.insert(expected.end(), while_down.begin(), while_down.end());
  cli = Listen(sink_.url() + "/local");
  ASSERT_TRUE(sink_.WaitForCount(10, 20s)) << cli->err();
  std::vector<std::string> live = CaptureEvents(10, 3);
  expected.insert(expected.end(), live.begin(), live.end());
  ASSERT_TRUE(sink_.WaitForCount(13, 20s)) << cli->err();
  std::this_thread::sleep_for(300ms);  // nothing more may come
  EXPECT_EQ(SinkEventIds(), expected);

  // Each is its original request: method, sub-path and query under the local URL, headers,
  // body bytes.
  const SinkRequest seventh = sink_.requests()[7];
  EXPECT_EQ(seventh.method, "POST");
  EXPECT_EQ(seventh.target, "/local/orders?n=7");
  EXPECT_EQ(seventh.body, R"({"n":7})");
  EXPECT_EQ(seventh.Header("X-Shop").value_or(""), "acme");
  EXPECT_EQ(seventh.Header("Content-Type").value_or(""), "application/json");

  cli->Signal(SIGINT);
  CliResult result = cli->Wait(20s);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("Stopped: 8 events forwarded"), std::string::npos) << result.err;
  // One line per event: its id, method, path and the local status.
  EXPECT_NE(result.out.find(expected[12] + "  POST /orders?n=12  200"), std::string::npos)
      << result.out;
}

TEST_F(ListenTest, RidesOutARestartOfTheServer) {
  auto cli = Listen(sink_.url(), {"--since", "1m"});
  std::vector<std::string> expected = CaptureEvents(0, 2);
  ASSERT_TRUE(sink_.WaitForCount(2, 20s)) << cli->err();
  ASSERT_EQ(server_.Terminate(), 0);
  server_.Restart();
  client_ = server_.Client();
  std::vector<std::string> after = CaptureEvents(2, 3);
  expected.insert(expected.end(), after.begin(), after.end());
  ASSERT_TRUE(sink_.WaitForCount(5, 30s)) << cli->err();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(SinkEventIds(), expected);
  EXPECT_NE(cli->err().find("reconnecting"), std::string::npos) << cli->err();
  cli->Signal(SIGINT);
  EXPECT_EQ(cli->Wait(20s).exit_code, 0);
}

TEST_F(ListenTest, ShowsTheLocalAppsFailuresAndKeepsGoing) {
  sink_.SetStatuses({500, 200});
  auto cli = Listen(sink_.url(), {"--since", "1m", "--json"});
  std::vector<std::string> ids = CaptureEvents(0, 2);
  ASSERT_TRUE(sink_.WaitForCount(2, 20s)) << cli->err();
  WaitUntil([&] { return ReadState(state_file_) == ids.back(); }, 10s);
  cli->Signal(SIGINT);
  CliResult result = cli->Wait(20s);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  // --json: one object per event.
  std::istringstream lines(result.out);
  std::vector<boost::json::value> events;
  for (std::string line; std::getline(lines, line);) events.push_back(boost::json::parse(line));
  ASSERT_EQ(events.size(), 2u) << result.out;
  EXPECT_EQ(JsonString(events[0], "event_id"), ids[0]);
  EXPECT_EQ(events[0].at("status").as_int64(), 500);
  EXPECT_EQ(events[1].at("status").as_int64(), 200);
  EXPECT_NE(result.err.find("1 events forwarded, 1 not taken"), std::string::npos) << result.err;

  // Nothing listening at all: the connection error is shown, and the next event still goes.
  auto refused = Listen("http://127.0.0.1:9/nothing");
  std::vector<std::string> more = CaptureEvents(2, 2);
  WaitUntil([&] { return ReadState(state_file_) == more.back(); }, 20s);
  refused->Signal(SIGINT);
  result = refused->Wait(20s);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find(more[0] + "  POST /orders?n=2  ERR"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(more[1]), std::string::npos) << result.out;
}

TEST_F(ListenTest, RefusesBadInputWithAClearMessage) {
  CliResult no_url =
      RunCli({"listen", "--source", source_, "--forward-to", "ftp://x"},
             {{"REHOOK_URL", server_.url()}, {"REHOOK_API_KEY", server_.admin_key()}});
  EXPECT_EQ(no_url.exit_code, 2) << no_url.err;
  EXPECT_NE(no_url.err.find("--forward-to"), std::string::npos) << no_url.err;
  CliResult bad_since =
      RunCli({"listen", "--source", source_, "--forward-to", sink_.url(), "--since", "soon"},
             {{"REHOOK_URL", server_.url()}, {"REHOOK_API_KEY", server_.admin_key()}});
  EXPECT_EQ(bad_since.exit_code, 2) << bad_since.err;
  EXPECT_NE(bad_since.err.find("--since"), std::string::npos) << bad_since.err;
  CliResult unknown =
      RunCli({"listen", "--source", "src_0nothing", "--forward-to", sink_.url(), "--state-file",
              state_file_},
             {{"REHOOK_URL", server_.url()}, {"REHOOK_API_KEY", server_.admin_key()}});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.err;
  EXPECT_NE(unknown.err.find("source_id"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace rehook::testing
