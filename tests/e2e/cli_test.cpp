// The client commands of the rehook binary (`rehook keys|sources|destinations|connections|events|
// replay`) run as a script would run them against a real server: what they print on stdout and
// stderr, and the exit codes documented in docs/CLI.md (0 ok, 1 refused, 2 usage, 3 unavailable,
// 4 not delivered).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <regex>
#include <set>

#include "support/api_helpers.h"
#include "support/cli_runner.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"
#include "support/temp_dir.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kEarly = "2000-01-01T00:00:00.000Z";
constexpr const char* kLate = "2100-01-01T00:00:00.000Z";

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string Describe(const CliResult& result) {
  return "exit " + std::to_string(result.exit_code) + "\n--- stdout\n" + result.out +
         "--- stderr\n" + result.err;
}

class CliTest : public ::testing::Test {
 protected:
  CliTest() : server_(RehookOptions{{"--allow-private-targets"}}) {}

  // Runs `rehook args...` against the server with the admin key (or `key`), both from the
  // environment as a script would pass them.
  CliResult Cli(const std::vector<std::string>& args, const std::string& key = "") {
    return RunCli(args, {{"REHOOK_URL", server_.url()},
                         {"REHOOK_API_KEY", key.empty() ? server_.admin_key() : key}});
  }

  // Runs the command with --json, expects success, and returns what it printed.
  boost::json::value CliJson(std::vector<std::string> args, const std::string& key = "") {
    args.push_back("--json");
    CliResult result = Cli(args, key);
    EXPECT_EQ(result.exit_code, 0) << Describe(result);
    boost::json::error_code ec;
    boost::json::value json = boost::json::parse(result.out, ec);
    EXPECT_FALSE(ec) << Describe(result);
    return json;
  }

  // Captures `n` webhooks to `source`; returns their ids.
  std::set<std::string> CaptureEvents(const std::string& source, int n) {
    std::set<std::string> ids;
    for (int i = 0; i < n; ++i) {
      ids.insert(Capture(client_, source, R"({"n":)" + std::to_string(i) + "}",
                         "/hook?n=" + std::to_string(i)));
    }
    return ids;
  }

  // The destinations whose URL is `url`.
  std::size_t DestinationsFor(const std::string& url) {
    const boost::json::value listing = admin_.Get("/v1/destinations?limit=250").Json();
    std::size_t count = 0;
    for (const auto& destination : listing.at("data").as_array()) {
      if (destination.at("url").as_string() == url) ++count;
    }
    return count;
  }

  SinkServer sink_;
  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
};

TEST_F(CliTest, CreatesKeysAndSources) {
  auto key = CliJson({"keys", "create", "--name", "ci", "--role", "developer"});
  EXPECT_EQ(key.at("role").as_string(), "developer");
  const std::string secret = JsonString(key, "key");

  // The new key works, passed the way scripts pass it.
  auto source = CliJson({"sources", "create", "--name", "stripe"}, secret);
  EXPECT_EQ(source.at("name").as_string(), "stripe");
  const std::string source_id = JsonString(source, "id");
  EXPECT_EQ(JsonString(source, "ingest_url"), server_.url() + "/in/" + source_id);

  // For people: the fields on stdout, the warning that the secret is shown once on stderr.
  CliResult human = Cli({"keys", "create", "--name", "ops", "--role", "viewer"});
  EXPECT_EQ(human.exit_code, 0) << Describe(human);
  EXPECT_TRUE(Contains(human.out, "role")) << human.out;
  EXPECT_TRUE(Contains(human.out, "viewer")) << human.out;
  EXPECT_TRUE(Contains(human.out, "\nkey ")) << human.out;
  EXPECT_TRUE(Contains(human.err, "cannot show it again")) << human.err;

  CliResult sources = Cli({"sources", "list"});
  EXPECT_EQ(sources.exit_code, 0) << Describe(sources);
  EXPECT_TRUE(Contains(sources.out, "INGEST URL")) << sources.out;
  EXPECT_TRUE(Contains(sources.out, source_id)) << sources.out;

  // A developer key may not create keys: the server's refusal, word for word, and exit 1.
  CliResult refused = Cli({"keys", "create", "--name", "x", "--role", "viewer"}, secret);
  EXPECT_EQ(refused.exit_code, 1) << Describe(refused);
  EXPECT_TRUE(Contains(refused.err, "forbidden, HTTP 403")) << refused.err;
  EXPECT_EQ(refused.out, "");
}

TEST_F(CliTest, ListsCapturedEvents) {
  const std::string source = CreateSource(admin_);
  const std::set<std::string> captured = CaptureEvents(source, 3);

  auto listing = CliJson({"events", "list", "--source", source});
  std::set<std::string> listed;
  for (const auto& event : listing.at("data").as_array()) listed.insert(JsonString(event, "id"));
  EXPECT_EQ(listed, captured);
  EXPECT_TRUE(listing.at("next_cursor").is_null());

  // --limit stops early and says where to continue; --cursor continues; --all reads every page.
  auto first = CliJson({"events", "list", "--source", source, "--limit", "2"});
  ASSERT_EQ(first.at("data").as_array().size(), 2u);
  ASSERT_TRUE(first.at("next_cursor").is_string());
  auto rest =
      CliJson({"events", "list", "--source", source, "--cursor", JsonString(first, "next_cursor")});
  EXPECT_EQ(rest.at("data").as_array().size(), 1u);
  auto all = CliJson({"events", "list", "--source", source, "--limit", "1", "--all"});
  EXPECT_EQ(all.at("data").as_array().size(), 3u);

  // Times with an offset travel percent-encoded ('+' would read as a space).
  auto later = CliJson({"events", "list", "--from", "2099-12-31T23:00:00+02:00"});
  EXPECT_TRUE(later.at("data").as_array().empty());
  auto window = CliJson({"events", "list", "--from", "2000-01-01T02:00:00+02:00", "--to", kLate});
  EXPECT_EQ(window.at("data").as_array().size(), 3u);

  CliResult table = Cli({"events", "list", "--source", source, "--limit", "2"});
  EXPECT_EQ(table.exit_code, 0) << Describe(table);
  EXPECT_TRUE(Contains(table.out, "RECEIVED")) << table.out;
  EXPECT_TRUE(Contains(table.out, "/hook?n=2")) << table.out;
  EXPECT_TRUE(Contains(table.err, "--cursor")) << table.err;

  CliResult bad_time = Cli({"events", "list", "--from", "yesterday"});
  EXPECT_EQ(bad_time.exit_code, 1) << Describe(bad_time);
  EXPECT_TRUE(Contains(bad_time.err, "'from'")) << bad_time.err;
}

TEST_F(CliTest, ReplayToAUrlFollowedToTheEnd) {
  const std::string source = CreateSource(admin_);
  CaptureEvents(source, 3);
  const std::string target = sink_.url() + "/replayed";
  const std::vector<std::string> replay = {"replay",       "create",
                                           "--target-url", target,
                                           "--source",     source,
                                           "--from",       kEarly,
                                           "--to",         kLate,
                                           "--rate-limit", "100",
                                           "--follow",     "--poll-interval-ms",
                                           "100"};
  CliResult run = Cli(replay);
  EXPECT_EQ(run.exit_code, 0) << Describe(run);
  EXPECT_TRUE(Contains(run.out, "completed: 3 of 3 events replayed, 3 succeeded, 0 failed"))
      << run.out;
  EXPECT_TRUE(Contains(run.err, "Created destination")) << run.err;
  ASSERT_TRUE(sink_.WaitForCount(3, 20s));
  for (const auto& request : sink_.requests()) {
    EXPECT_EQ(request.target, "/replayed");
    EXPECT_EQ(request.Header("X-Rehook-Replay"), "1");
  }

  // Again, for a script: the CLI's destination for the URL is reused, and stdout is the job.
  std::vector<std::string> as_json = replay;
  as_json.push_back("--json");
  CliResult again = Cli(as_json);
  EXPECT_EQ(again.exit_code, 0) << Describe(again);
  EXPECT_FALSE(Contains(again.err, "Created destination")) << again.err;
  auto job = boost::json::parse(again.out);
  EXPECT_EQ(job.at("status").as_string(), "completed");
  EXPECT_EQ(job.at("succeeded").as_int64(), 3);
  EXPECT_EQ(DestinationsFor(target), 1u);
}

TEST_F(CliTest, DryRunSendsNothingAndLeavesNothing) {
  CaptureEvents(CreateSource(admin_), 2);
  const std::string target = sink_.url() + "/dry";
  CliResult dry = Cli(
      {"replay", "create", "--target-url", target, "--from", kEarly, "--to", kLate, "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << Describe(dry);
  EXPECT_TRUE(Contains(dry.out, "Dry run: 2 events would be replayed")) << dry.out;
  EXPECT_EQ(DestinationsFor(target), 0u);

  const std::string destination = CreateDestination(admin_, sink_.url() + "/kept");
  auto counted = CliJson({"replay", "create", "--destination", destination, "--from", kEarly,
                          "--to", kLate, "--dry-run"});
  EXPECT_TRUE(counted.at("job").is_null());
  EXPECT_EQ(counted.at("total").as_int64(), 2);

  // Nothing in the range: the server's 404, and the destination made for the URL is gone again.
  CliResult nothing = Cli({"replay", "create", "--target-url", target, "--from",
                           "2001-01-01T00:00:00Z", "--to", "2001-01-02T00:00:00Z", "--dry-run"});
  EXPECT_EQ(nothing.exit_code, 1) << Describe(nothing);
  EXPECT_TRUE(Contains(nothing.err, "no event matches")) << nothing.err;
  EXPECT_EQ(DestinationsFor(target), 0u);
  EXPECT_EQ(sink_.count(), 0u);
}

TEST_F(CliTest, FollowedReplayWithFailuresExitsFour) {
  sink_.SetStatus(500);
  CaptureEvents(CreateSource(admin_), 2);
  const std::string destination = CreateDestination(admin_, sink_.url() + "/failing");
  CliResult run = Cli({"replay", "create", "--destination", destination, "--from", kEarly, "--to",
                       kLate, "--rate-limit", "100", "--follow", "--poll-interval-ms", "100"});
  EXPECT_EQ(run.exit_code, 4) << Describe(run);
  EXPECT_TRUE(Contains(run.out, "0 succeeded, 2 failed")) << run.out;
}

TEST_F(CliTest, CancelsAReplayJob) {
  // The destination holds each delivery for a long time, so the job is surely still running
  // when the cancel arrives, however slow the machine.
  sink_.SetDelay(30s);
  CaptureEvents(CreateSource(admin_), 3);
  const std::string destination =
      CreateDestination(admin_, sink_.url() + "/slow", {{"timeout_ms", 60000}});
  auto created = CliJson({"replay", "create", "--destination", destination, "--from", kEarly,
                          "--to", kLate, "--rate-limit", "1"});
  const std::string id = JsonString(created.at("job"), "id");

  CliResult cancel = Cli({"replay", "cancel", id});
  EXPECT_EQ(cancel.exit_code, 0) << Describe(cancel);
  EXPECT_TRUE(Contains(cancel.out, "Cancelled replay job " + id)) << cancel.out;

  CliResult followed = Cli({"replay", "get", id, "--follow", "--poll-interval-ms", "100"});
  EXPECT_EQ(followed.exit_code, 4) << Describe(followed);
  EXPECT_TRUE(Contains(followed.out, "Replay job " + id + " cancelled after")) << followed.out;

  CliResult shown = Cli({"replay", "get", id});
  EXPECT_EQ(shown.exit_code, 0) << Describe(shown);
  EXPECT_TRUE(Contains(shown.out, "cancelled")) << shown.out;

  CliResult again = Cli({"replay", "cancel", id});
  EXPECT_EQ(again.exit_code, 1) << Describe(again);
  EXPECT_TRUE(Contains(again.err, "conflict, HTTP 409")) << again.err;
}

TEST_F(CliTest, SearchesEventsByFilterAndBodyText) {
  const std::string source = CreateSource(admin_);
  CaptureEvents(source, 3);  // bodies {"n":0}, {"n":1}, {"n":2}

  auto by_text = CliJson({"events", "list", "--q", R"("n":1)"});
  ASSERT_EQ(by_text.at("data").as_array().size(), 1u);
  EXPECT_EQ(JsonString(by_text.at("data").at(0), "path"), "/hook");
  EXPECT_EQ(JsonString(by_text.at("data").at(0), "query"), "n=1");

  auto by_filter = CliJson({"events", "list", "--filter", R"({"body":{"n":{"$gte":1}}})"});
  ASSERT_EQ(by_filter.at("data").as_array().size(), 2u);
  EXPECT_EQ(JsonString(by_filter.at("data").at(0), "query"), "n=2");  // newest first

  CliResult bad = Cli({"events", "list", "--filter", R"({"body":{"n":{"$bogus":1}}})"});
  EXPECT_EQ(bad.exit_code, 1) << Describe(bad);
  EXPECT_TRUE(Contains(bad.err, "filter")) << bad.err;
}

TEST_F(CliTest, ResendsAnEventThenReplaysOnlyWhatFailed) {
  const std::string source = CreateSource(admin_);
  const std::string event = Capture(client_, source, R"({"n":1})");
  const std::string destination = CreateDestination(admin_, sink_.url() + "/orders");

  sink_.SetStatus(500);
  CliResult failed = Cli({"events", "retry", event, "--destination", destination});
  EXPECT_EQ(failed.exit_code, 4) << Describe(failed);
  EXPECT_TRUE(Contains(failed.out, "manual")) << failed.out;
  EXPECT_TRUE(Contains(failed.out, "500")) << failed.out;

  sink_.SetStatus(200);
  auto counted = CliJson({"replay", "create", "--destination", destination, "--from", kEarly,
                          "--to", kLate, "--only", "failed", "--dry-run"});
  EXPECT_EQ(counted.at("total").as_int64(), 1);
  EXPECT_EQ(JsonString(counted, "only"), "failed");
  CliResult replayed =
      Cli({"replay", "create", "--destination", destination, "--from", kEarly, "--to", kLate,
           "--only", "failed", "--rate-limit", "100", "--follow", "--poll-interval-ms", "100"});
  EXPECT_EQ(replayed.exit_code, 0) << Describe(replayed);
  EXPECT_TRUE(Contains(replayed.out, "1 succeeded, 0 failed")) << replayed.out;

  // Nothing failed any more: nothing to replay, and a resend that works exits 0.
  CliResult nothing = Cli({"replay", "create", "--destination", destination, "--from", kEarly,
                           "--to", kLate, "--only", "failed", "--dry-run"});
  EXPECT_EQ(nothing.exit_code, 1) << Describe(nothing);
  auto resent = CliJson({"events", "retry", event, "--destination", destination});
  EXPECT_TRUE(resent.at("data").at("success").as_bool());
  EXPECT_EQ(JsonString(resent.at("data"), "trigger"), "manual");
  EXPECT_EQ(sink_.count(), 3u);  // the failed resend, the replay, the resend
}

TEST_F(CliTest, ManagesDestinationsAndConnections) {
  auto created =
      CliJson({"destinations", "create", "--name", "orders", "--url", sink_.url() + "/orders",
               "--header", "Authorization: Bearer t0k", "--retry-attempts", "3", "--retry-backoff",
               "linear", "--retry-interval-ms", "200"});
  const std::string destination = JsonString(created, "id");
  EXPECT_EQ(JsonString(created.at("headers"), "Authorization"), "Bearer t0k");
  EXPECT_EQ(created.at("retry").at("attempts").as_int64(), 3);

  CliResult shown = Cli({"destinations", "get", destination});
  EXPECT_EQ(shown.exit_code, 0) << Describe(shown);
  EXPECT_TRUE(Contains(shown.out, "3 attempts, linear from 200 ms")) << shown.out;
  // Changing one part of the policy keeps the others.
  auto longer = CliJson({"destinations", "update", destination, "--retry-attempts", "5"});
  EXPECT_EQ(longer.at("retry"),
            boost::json::value({{"attempts", 5}, {"backoff", "linear"}, {"interval_ms", 200}}));
  CliResult listed = Cli({"destinations", "list"});
  EXPECT_TRUE(Contains(listed.out, destination) && Contains(listed.out, "CIRCUIT")) << listed.out;

  auto updated = CliJson({"destinations", "update", destination, "--name", "orders-v2",
                          "--default-retry", "--rate-limit", "50"});
  EXPECT_EQ(JsonString(updated, "name"), "orders-v2");
  EXPECT_TRUE(updated.at("retry").is_null());
  EXPECT_EQ(updated.at("rate_limit").as_int64(), 50);
  EXPECT_FALSE(CliJson({"destinations", "disable", destination}).at("enabled").as_bool());
  EXPECT_TRUE(CliJson({"destinations", "enable", destination}).at("enabled").as_bool());

  CliResult nothing = Cli({"destinations", "update", destination});
  EXPECT_EQ(nothing.exit_code, 2) << Describe(nothing);
  CliResult bad =
      Cli({"destinations", "create", "--name", "x", "--url", sink_.url(), "--retry-attempts", "0"});
  EXPECT_EQ(bad.exit_code, 1) << Describe(bad);
  EXPECT_TRUE(Contains(bad.err, "'retry.attempts'")) << bad.err;

  // A connection made by the CLI routes by its filter.
  const std::string source = CreateSource(admin_);
  auto connection = CliJson({"connections", "create", "--source", source, "--destination",
                             destination, "--filter", R"({"body":{"n":1}})"});
  const std::string connection_id = JsonString(connection, "id");
  EXPECT_EQ(connection.at("filter").at("body").at("n").as_int64(), 1);
  Capture(client_, source, R"({"n":0})");
  const std::string routed = Capture(client_, source, R"({"n":1})");
  ASSERT_TRUE(sink_.WaitForCount(1, 10s));
  EXPECT_EQ(sink_.requests()[0].Header("x-rehook-event-id"), routed);
  EXPECT_EQ(sink_.requests()[0].Header("authorization"), "Bearer t0k");

  CliResult connections = Cli({"connections", "list"});
  EXPECT_TRUE(Contains(connections.out, connection_id)) << connections.out;
  EXPECT_TRUE(
      CliJson({"connections", "update", connection_id, "--no-filter"}).at("filter").is_null());
  EXPECT_FALSE(CliJson({"connections", "disable", connection_id}).at("enabled").as_bool());

  CliResult deleted = Cli({"connections", "delete", connection_id});
  EXPECT_EQ(deleted.exit_code, 0) << Describe(deleted);
  EXPECT_TRUE(Contains(deleted.out, "Deleted connection " + connection_id)) << deleted.out;
  CliResult gone = Cli({"connections", "get", connection_id});
  EXPECT_EQ(gone.exit_code, 1) << Describe(gone);
  EXPECT_TRUE(Contains(gone.err, "not_found")) << gone.err;
  auto deleted_json = CliJson({"destinations", "delete", destination});
  EXPECT_TRUE(deleted_json.at("deleted").as_bool());
  EXPECT_EQ(Cli({"destinations", "get", destination}).exit_code, 1);
}

TEST_F(CliTest, BadApiKeyExitsOneWithTheMessage) {
  CliResult run = Cli({"sources", "list"}, "rhk_not_a_key");
  EXPECT_EQ(run.exit_code, 1) << Describe(run);
  EXPECT_TRUE(Contains(run.err, "the API key is not valid (unauthorized, HTTP 401)")) << run.err;
  EXPECT_EQ(run.out, "");

  CliResult unknown = Cli({"replay", "get", "job_nope"});
  EXPECT_EQ(unknown.exit_code, 1) << Describe(unknown);
  EXPECT_TRUE(Contains(unknown.err, "not_found")) << unknown.err;
}

TEST(CliUsageTest, VersionNamesTheReleaseAndTheCommit) {
  CliResult version = RunCli({"--version"});
  EXPECT_EQ(version.exit_code, 0) << Describe(version);
  // "rehook 0.1.0 (commit 3f2c1a9b8d7e)": the project's version and a commit (or "unknown"
  // outside a git checkout).
  EXPECT_TRUE(std::regex_search(
      version.out,
      std::regex(
          R"(^rehook [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)\n$)")))
      << version.out;
}

// Without a server, or with something else than rehook at the URL.
TEST(CliUsageTest, MissingRequiredFlagExitsTwo) {
  const std::vector<std::pair<std::string, std::string>> key = {{"REHOOK_API_KEY", "k"}};
  CliResult no_name = RunCli({"sources", "create"}, key);
  EXPECT_EQ(no_name.exit_code, 2) << Describe(no_name);
  EXPECT_TRUE(Contains(no_name.err, "--name")) << no_name.err;

  CliResult no_target = RunCli({"replay", "create", "--from", kEarly, "--to", kLate}, key);
  EXPECT_EQ(no_target.exit_code, 2) << Describe(no_target);

  CliResult both_targets = RunCli({"replay", "create", "--destination", "dst_1", "--target-url",
                                   "http://x", "--from", kEarly, "--to", kLate},
                                  key);
  EXPECT_EQ(both_targets.exit_code, 2) << Describe(both_targets);

  CliResult bad_role = RunCli({"keys", "create", "--name", "n", "--role", "root"}, key);
  EXPECT_EQ(bad_role.exit_code, 2) << Describe(bad_role);

  CliResult no_command = RunCli({});
  EXPECT_EQ(no_command.exit_code, 2) << Describe(no_command);

  CliResult bad_filter = RunCli({"replay", "create", "--destination", "dst_1", "--from", kEarly,
                                 "--to", kLate, "--filter", "{nope"},
                                key);
  EXPECT_EQ(bad_filter.exit_code, 2) << Describe(bad_filter);
  EXPECT_TRUE(Contains(bad_filter.err, "--filter")) << bad_filter.err;

  CliResult no_key = RunCli({"sources", "list"});
  EXPECT_EQ(no_key.exit_code, 2) << Describe(no_key);
  EXPECT_TRUE(Contains(no_key.err, "REHOOK_API_KEY")) << no_key.err;

  CliResult help = RunCli({"replay", "create", "--help"});
  EXPECT_EQ(help.exit_code, 0) << Describe(help);
  EXPECT_TRUE(Contains(help.out, "--target-url")) << help.out;
}

TEST(CliUsageTest, UnreachableServerExitsThree) {
  std::string url;
  {
    SinkServer closed;
    url = closed.url();
  }  // stopped: nothing listens on its port any more
  CliResult run = RunCli({"--url", url, "sources", "list"}, {{"REHOOK_API_KEY", "k"}});
  EXPECT_EQ(run.exit_code, 3) << Describe(run);
  EXPECT_TRUE(Contains(run.err, "cannot connect to " + url)) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(CliUsageTest, SomethingElseThanRehookExitsThree) {
  SinkServer not_rehook;  // answers 200 with an empty body
  CliResult run = RunCli({"--url", not_rehook.url(), "sources", "list"}, {{"REHOOK_API_KEY", "k"}});
  EXPECT_EQ(run.exit_code, 3) << Describe(run);
  not_rehook.SetStatus(503);
  CliResult failing =
      RunCli({"--url", not_rehook.url(), "events", "list"}, {{"REHOOK_API_KEY", "k"}});
  EXPECT_EQ(failing.exit_code, 3) << Describe(failing);
  EXPECT_TRUE(Contains(failing.err, "HTTP 503")) << failing.err;
}

// HTTPS: the certificate is verified (against the system's CAs plus --cacert) for the host the
// URL names; the URL's path is kept as a prefix (rehook behind a reverse proxy).
TEST(CliUsageTest, HttpsVerifiesTheServer) {
  TestCertificates certificates = TestCertificates::Make();
  SinkServer server({.tls = true, .certificates = certificates});
  server.SetPolicy([](const SinkRequest&, int) {
    SinkResponse response;
    response.headers = {{"Content-Type", "application/json"}};
    response.body = R"({"data":[],"next_cursor":null})";
    return response;
  });
  TempDir dir;
  const std::string ca_file = dir.path() + "/ca.pem";
  certificates.WriteCaFile(ca_file);
  const std::vector<std::pair<std::string, std::string>> key = {{"REHOOK_API_KEY", "secret"}};

  CliResult untrusted = RunCli({"--url", server.url(), "sources", "list"}, key);
  EXPECT_EQ(untrusted.exit_code, 3) << Describe(untrusted);
  EXPECT_TRUE(Contains(untrusted.err, "certificate verify failed")) << untrusted.err;

  for (const std::string host : {"localhost", "127.0.0.1"}) {
    CliResult trusted = RunCli(
        {"--url", server.url(host) + "/rehook/", "--cacert", ca_file, "sources", "list", "--json"},
        key);
    EXPECT_EQ(trusted.exit_code, 0) << Describe(trusted);
    EXPECT_EQ(trusted.out, "{\"data\":[],\"next_cursor\":null}\n");
  }
  auto requests = server.requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().target, "/rehook/v1/sources?limit=50");
  EXPECT_EQ(requests.back().Header("X-API-Key"), "secret");
}

}  // namespace
}  // namespace rehook::testing
