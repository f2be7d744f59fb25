// The live tail through the real binary (GET /v1/events/stream, Server-Sent Events): events
// arrive after their commit; a client that disconnects and comes back with Last-Event-ID gets
// every event exactly once and in order, with captures racing each switch-over from stored to
// live events; source, filter and organization narrow what a stream sees; a reader that stops
// reading is ended (and counted) while capture goes on; shutdown ends streams with a reason; on
// PostgreSQL an event captured on one node reaches a stream held on another. Runs on SQLite and
// PostgreSQL.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "support/api_helpers.h"
#include "support/event_stream_client.h"
#include "support/rehook_process.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

// The ids of the "event" messages, in the order they came.
std::vector<std::string> EventIds(const std::vector<SseMessage>& messages) {
  std::vector<std::string> ids;
  for (const auto& message : messages) {
    if (message.event == "event") ids.push_back(message.id);
  }
  return ids;
}

// A sample of the open /metrics page, or -1 when absent.
double MetricValue(RehookProcess& server, const std::string& series) {
  std::istringstream lines(server.Client().Get("/metrics").body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

class EventStreamTest : public ::testing::Test {
 protected:
  explicit EventStreamTest(std::vector<std::string> args = {})
      : server_(RehookOptions{.args = std::move(args)}) {
    source_ = CreateSource(admin_, "shop");
  }

  std::unique_ptr<EventStreamClient> Open(const std::string& query = "",
                                          std::vector<HeaderField> headers = {},
                                          const std::string& key = "") {
    headers.push_back({"X-API-Key", key.empty() ? server_.admin_key() : key});
    auto stream = std::make_unique<EventStreamClient>(
        server_.port(), "/v1/events/stream" + (query.empty() ? "" : "?" + query), headers);
    // The server subscribes before it answers: from here on, no event can pass the stream by.
    EXPECT_EQ(stream->status(), 200) << stream->head();
    return stream;
  }

  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
  std::string source_;
};

TEST_F(EventStreamTest, SendsEachNewEventAfterItsCommitAsTheEventJson) {
  auto stream = Open();
  EXPECT_NE(stream->head().find("Content-Type: text/event-stream"), std::string::npos)
      << stream->head();
  std::vector<std::string> captured;
  for (int i = 0; i < 3; ++i) {
    captured.push_back(Capture(client_, source_, R"({"n":)" + std::to_string(i) + "}", "/hook"));
  }
  std::vector<SseMessage> messages = stream->NextEvents(3, 10s);
  ASSERT_EQ(EventIds(messages), captured);
  // `data` is the event as GET /v1/events/{id} shows it, body included.
  boost::json::value data = boost::json::parse(messages[1].data);
  boost::json::value stored = admin_.Get("/v1/events/" + captured[1]).Json();
  EXPECT_EQ(data, stored);
  EXPECT_EQ(JsonString(data, "body"), R"({"n":1})");
  EXPECT_EQ(JsonString(data, "path"), "/hook");
  EXPECT_EQ(MetricValue(server_, "rehook_event_streams"), 1);
  EXPECT_GE(MetricValue(server_, "rehook_events_streamed_total"), 3);
}

TEST_F(EventStreamTest, ResumingWithLastEventIdGivesEveryEventOnceInOrderWhileCapturesRace) {
  // Two capturers, each waiting for its acknowledgement before the next capture: every
  // capture's commit follows the previous one of the same capturer, so each capturer's events
  // must come in its own order, and all of them exactly once.
  constexpr int kPerCapturer = 150;
  std::mutex mutex;
  std::vector<std::vector<std::string>> sent(2);
  std::atomic<bool> capturing{true};
  std::vector<std::thread> capturers;
  auto stream = Open();
  for (int c = 0; c < 2; ++c) {
    capturers.emplace_back([&, c] {
      HttpClient client = server_.Client();
      for (int i = 0; i < kPerCapturer; ++i) {
        std::string id = Capture(client, source_, R"({"c":)" + std::to_string(c) + "}");
        std::lock_guard lock(mutex);
        sent[c].push_back(id);
      }
    });
  }
  // Read a few, hang up, come back after the last id read: eight switch-overs from the stored
  // events to live ones while both capturers keep going.
  std::vector<std::string> received;
  for (int round = 0; round < 8; ++round) {
    std::vector<std::string> ids = EventIds(stream->NextEvents(15, 10s));
    received.insert(received.end(), ids.begin(), ids.end());
    stream->Close();
    std::this_thread::sleep_for(std::chrono::milliseconds(20 * round));  // captures go on
    stream = Open("", {{"Last-Event-ID", received.back()}});
  }
  for (auto& capturer : capturers) capturer.join();
  capturing = false;
  while (received.size() < 2 * kPerCapturer) {
    std::vector<std::string> ids = EventIds(stream->NextEvents(2 * kPerCapturer, 10s));
    if (ids.empty()) break;
    received.insert(received.end(), ids.begin(), ids.end());
  }
  ASSERT_EQ(received.size(), 2u * kPerCapturer);
  EXPECT_EQ(std::set<std::string>(received.begin(), received.end()).size(), received.size())
      << "an event came twice";
  for (int c = 0; c < 2; ++c) {
    std::vector<std::string> in_order;
    for (const std::string& id : received) {
      if (std::find(sent[c].begin(), sent[c].end(), id) != sent[c].end()) in_order.push_back(id);
    }
    EXPECT_EQ(in_order, sent[c]) << "capturer " << c << "'s events out of order or missing";
  }
  // ?after= resumes the same way as the header (a client that cannot set headers).
  auto from_query = Open("after=" + received[2 * kPerCapturer - 4]);
  EXPECT_EQ(EventIds(from_query->NextEvents(3, 10s)),
            std::vector<std::string>(received.end() - 3, received.end()));
}

TEST_F(EventStreamTest, SinceStartsWithTheEventsReceivedFromThatTime) {
  Capture(client_, source_, R"({"early":1})");
  std::this_thread::sleep_for(30ms);  // a millisecond boundary between the two groups
  const auto since = admin_.Get("/v1/events/" + Capture(client_, source_, R"({"late":1})"))
                         .Json()
                         .at("received_at")
                         .as_string();
  const std::string late2 = Capture(client_, source_, R"({"late":2})");
  auto stream = Open("since=" + UrlEncode(std::string(since)));
  std::vector<SseMessage> messages = stream->NextEvents(2, 10s);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(messages[0].data.find(R"(\"late\":1)"), std::string::npos) << messages[0].data;
  EXPECT_EQ(messages[1].id, late2);
}

TEST_F(EventStreamTest, SourceFilterAndOrganizationNarrowWhatAStreamSees) {
  const std::string other_source = CreateSource(admin_, "other");
  auto org = admin_.PostJson("/v1/orgs", {{"name", "globex"}});
  ASSERT_EQ(org.status, 201) << org.body;
  const std::string globex_key = CreateKey(admin_, "viewer", JsonString(org.Json(), "id"));
  const std::string filter = UrlEncode(R"({"body":{"amount":{"$gte":100}}})");
  auto narrowed = Open("source_id=" + source_ + "&filter=" + filter);
  auto everything = Open();
  auto globex = Open("", {}, globex_key);

  Capture(client_, source_, R"({"amount":5})");
  const std::string big = Capture(client_, source_, R"({"amount":500})");
  const std::string elsewhere = Capture(client_, other_source, R"({"amount":900})");
  const std::string last = Capture(client_, source_, R"({"amount":100})");

  EXPECT_EQ(EventIds(narrowed->NextEvents(2, 10s)), (std::vector<std::string>{big, last}));
  std::vector<std::string> all = EventIds(everything->NextEvents(4, 10s));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[2], elsewhere);
  // Another organization's stream sees none of it, and cannot resume after one of its events.
  EXPECT_TRUE(EventIds(globex->NextEvents(1, 500ms)).empty());
  EventStreamClient foreign(server_.port(), "/v1/events/stream?after=" + big,
                            {{"X-API-Key", globex_key}});
  EXPECT_EQ(foreign.status(), 404);
  EXPECT_NE(foreign.ErrorBody().find("does not exist"), std::string::npos);
}

TEST_F(EventStreamTest, BadRequestsGetAJsonErrorNamingTheField) {
  auto expect_error = [&](const std::string& query, int status, const std::string& field) {
    auto response = admin_.Get("/v1/events/stream?" + query);
    EXPECT_EQ(response.status, status) << query << " " << response.body;
    EXPECT_NE(response.body.find(field), std::string::npos) << response.body;
  };
  expect_error("filter=" + UrlEncode(R"({"body":{"amount":{"$bogus":1}}})"), 400, "'filter'");
  expect_error("filter=" + UrlEncode("{not json"), 400, "'filter'");
  expect_error("source_id=src_0nothing", 404, "source_id");
  expect_error("after=evt_0nothing", 404, "after");
  expect_error("since=yesterday", 400, "since");
  EXPECT_EQ(client_.Get("/v1/events/stream").status, 401);
  // The server keeps serving.
  EXPECT_EQ(admin_.Get("/v1/events").status, 200);
}

class SlowReaderTest : public EventStreamTest {
 protected:
  SlowReaderTest() : EventStreamTest({"--stream-buffer-bytes", "1048576"}) {}
};

TEST_F(SlowReaderTest, AReaderThatStopsReadingIsEndedWhileCaptureGoesOn) {
  constexpr int kEvents = 1000;
  auto stuck = std::make_unique<EventStreamClient>(
      server_.port(), "/v1/events/stream",
      std::vector<HeaderField>{{"X-API-Key", server_.admin_key()}},
      /*receive_buffer=*/4096);
  ASSERT_EQ(stuck->status(), 200);
  // ~20 MB of events: more than the kernel's socket buffers (4 MB at most) and the stream's
  // 1 MB, all acknowledged while the stuck reader reads nothing.
  const std::string body = R"({"pad":")" + std::string(20000, 'x') + R"("})";
  std::vector<std::string> captured;
  for (int i = 0; i < kEvents; ++i) captured.push_back(Capture(client_, source_, body));
  WaitUntil([&] { return MetricValue(server_, "rehook_event_streams_closed_slow_total") >= 1; },
            20s, 50ms);
  EXPECT_GE(MetricValue(server_, "rehook_event_streams_closed_slow_total"), 1);
  // The stuck one ends: what it holds, then the connection closes. It resumes after the last
  // event it got and misses nothing.
  std::vector<std::string> got;
  for (;;) {
    std::optional<SseMessage> message = stuck->Next(10s);
    if (!message) break;
    if (message->event == "event") got.push_back(message->id);
  }
  EXPECT_TRUE(stuck->ended());
  ASSERT_LT(got.size(), captured.size());
  EXPECT_EQ(got, std::vector<std::string>(captured.begin(), captured.begin() + got.size()));
  auto resumed = got.empty() ? Open("since=2000-01-01T00%3A00%3A00Z")
                             : Open("", {{"Last-Event-ID", got.back()}});
  std::vector<std::string> rest = EventIds(resumed->NextEvents(kEvents - got.size(), 30s));
  EXPECT_EQ(rest, std::vector<std::string>(captured.begin() + got.size(), captured.end()));
}

TEST_F(EventStreamTest, ShutdownEndsStreamsWithAReason) {
  auto stream = Open();
  const std::string id = Capture(client_, source_);
  ASSERT_EQ(EventIds(stream->NextEvents(1, 10s)), std::vector<std::string>{id});
  std::thread stopper([&] { EXPECT_EQ(server_.Terminate(), 0); });
  std::optional<SseMessage> close = stream->Next(15s);
  stopper.join();
  ASSERT_TRUE(close.has_value());
  EXPECT_EQ(close->event, "close");
  boost::json::value data = boost::json::parse(close->data);
  EXPECT_EQ(JsonString(data, "reason"), "shutdown");
  EXPECT_EQ(JsonString(data, "last_event_id"), id);
  EXPECT_FALSE(stream->Next(5s).has_value());
  EXPECT_TRUE(stream->ended());
}

TEST(EventStreamMultiNodeTest, AnEventCapturedOnOneNodeReachesAStreamOnAnother) {
  if (!EndToEndOnPostgres()) GTEST_SKIP() << "several nodes share a store only on PostgreSQL";
  TestDatabase database;
  RehookProcess node_a(RehookOptions{.database_url = database.url()});
  RehookProcess node_b(RehookOptions{.database_url = database.url()});
  HttpClient admin = node_a.Admin();
  const std::string source = CreateSource(admin);
  EventStreamClient stream(node_a.port(), "/v1/events/stream", {{"X-API-Key", node_a.admin_key()}});
  ASSERT_EQ(stream.status(), 200);
  HttpClient client_b = node_b.Client();
  HttpClient client_a = node_a.Client();
  std::vector<std::string> captured;
  for (int i = 0; i < 10; ++i) captured.push_back(Capture(i % 2 ? client_a : client_b, source));
  // API.md promises 2 s (the feed looks every 250 ms); the wait is longer so that only a
  // missing event, not a slow machine, fails the test.
  std::vector<std::string> ids = EventIds(stream.NextEvents(10, 10s));
  std::set<std::string> expected(captured.begin(), captured.end());
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), expected);
  EXPECT_EQ(ids.size(), 10u);
}

}  // namespace
}  // namespace rehook::testing
