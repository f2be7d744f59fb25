// Hostile or broken clients: slow senders, thousands of idle connections, deep JSON, CRLF and
// NUL smuggling, invalid UTF-8, path traversal. Each gets a clear answer or a closed connection;
// the server keeps serving everyone else and its memory stays bounded.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "support/api_helpers.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

// A plain blocking TCP connection to the server, for clients that do not speak HTTP properly.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ =
        fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(RawConnection&& other) noexcept : fd_(other.fd_), connected_(other.connected_) {
    other.fd_ = -1;
  }
  RawConnection(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // True once the server has closed the connection (reads end or fail), waiting up to `timeout`.
  bool ClosedByServer(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char sink[4096];
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd waiting{fd_, POLLIN, 0};
      if (::poll(&waiting, 1, static_cast<int>(left.count())) <= 0) return false;
      ssize_t n = ::recv(fd_, sink, sizeof(sink), 0);
      if (n <= 0) return true;
    }
  }

 private:
  int fd_;
  bool connected_ = false;
};

// Resident memory of a process, in KiB.
long ResidentKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

void RaiseOwnFileLimit() {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

class AbuseTest : public ::testing::Test {
 protected:
  AbuseTest()
      // Every client here is 127.0.0.1: room for the 2 000 idle connections and the others.
      : server_(RehookOptions{.args = {"--allow-private-targets", "--head-timeout-ms", "1000",
                                       "--max-connections-per-ip", "5000"}}) {
    source_ = CreateSource(admin_);
  }

  void ExpectBadRequestNaming(const HttpResult& response, const std::string& field) {
    EXPECT_EQ(response.status, 400) << response.body;
    EXPECT_EQ(response.ErrorCode(), "bad_request") << response.body;
    EXPECT_NE(response.body.find(field), std::string::npos)
        << "should name " << field << ": " << response.body;
  }

  RehookProcess server_;
  HttpClient admin_ = server_.Admin();
  HttpClient client_ = server_.Client();
  std::string source_;
};

TEST_F(AbuseTest, SlowSendersAreCutOffWhileOthersAreServed) {
  // 100 clients that send a head one byte at a time, slower than any real client would.
  std::vector<RawConnection> slow;
  for (int i = 0; i < 100; ++i) {
    slow.emplace_back(server_.port());
    ASSERT_TRUE(slow.back().connected());
    slow.back().Send("POST /in/" + source_ + " HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  }
  std::thread dribble([&] {
    for (int round = 0; round < 10; ++round) {
      for (auto& connection : slow) connection.Send("a");
      std::this_thread::sleep_for(200ms);
    }
  });
  // Everyone else is served meanwhile.
  for (int i = 0; i < 50; ++i) Capture(client_, source_);
  dribble.join();
  int closed = 0;
  for (auto& connection : slow) closed += connection.ClosedByServer(5s);
  std::cout << "slow senders closed by the server: " << closed << " of " << slow.size() << "\n";
  EXPECT_EQ(closed, 100);
  EXPECT_EQ(server_.Client().Get("/healthz").status, 200);
}

TEST_F(AbuseTest, ThousandsOfIdleConnectionsCostLittleAndAreClosed) {
  RaiseOwnFileLimit();
  const long before_kib = ResidentKiB(server_.pid());
  std::vector<RawConnection> idle;
  for (int i = 0; i < 2000; ++i) {
    idle.emplace_back(server_.port());
    ASSERT_TRUE(idle.back().connected()) << "connection " << i;
  }
  // Served while they are all open.
  Capture(client_, source_);
  EXPECT_EQ(server_.Client().Get("/healthz").status, 200);
  const long during_kib = ResidentKiB(server_.pid());
  const double per_connection_kib = static_cast<double>(during_kib - before_kib) / idle.size();
  std::cout << "resident memory: " << before_kib << " KiB before, " << during_kib << " KiB with "
            << idle.size() << " idle connections (" << per_connection_kib << " KiB each)\n";
  // A read buffer, a coroutine frame and a socket: tens of KiB, not megabytes (loose, because
  // sanitizer builds double everything).
  EXPECT_LT(per_connection_kib, 200);

  int closed = 0;
  for (auto& connection : idle) closed += connection.ClosedByServer(10s);
  std::cout << "idle connections closed by the server after the head timeout: " << closed << "\n";
  EXPECT_EQ(closed, static_cast<int>(idle.size()));
  EXPECT_EQ(server_.Client().Get("/healthz").status, 200);
}

TEST_F(AbuseTest, OversizedHeadsAndChunkHeadersAreRefused) {
  std::string many_headers = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 8000; ++i) many_headers += "X-" + std::to_string(i) + ": yy\r\n";
  std::string reply = RawExchange(server_.port(), many_headers + "\r\n");
  EXPECT_NE(reply.find("HTTP/1.1 431"), std::string::npos) << reply.substr(0, 200);

  // A chunk extension that never ends would otherwise be buffered without limit.
  std::string chunked = "POST /in/" + source_ +
                        " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=" +
                        std::string(2 * 1024 * 1024, 'e');
  reply = RawExchange(server_.port(), chunked);
  EXPECT_NE(reply.find("HTTP/1.1 400"), std::string::npos) << reply.substr(0, 200);
  EXPECT_EQ(server_.Client().Get("/healthz").status, 200);
  EXPECT_EQ(admin_.Get("/v1/events").Json().at("data").as_array().size(), 0u);
}

TEST_F(AbuseTest, DeeplyNestedJsonIsRefusedNamingTheProblem) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto response =
      admin_.Request("POST", "/v1/sources", deep, {{"Content-Type", "application/json"}});
  EXPECT_EQ(response.status, 400) << response.body.substr(0, 200);
  EXPECT_EQ(response.ErrorCode(), "bad_request");

  // A filter nested deeper than anyone writes by hand.
  std::string filter;
  for (int i = 0; i < 5000; ++i) filter += "{\"$not\":";
  filter += "{\"body\":{\"a\":1}}";
  for (int i = 0; i < 5000; ++i) filter += "}";
  std::string destination = CreateDestination(admin_, "https://example.com/hook");
  response = admin_.Request("POST", "/v1/connections",
                            "{\"source_id\":\"" + source_ + "\",\"destination_id\":\"" +
                                destination + "\",\"filter\":" + filter + "}",
                            {{"Content-Type", "application/json"}});
  EXPECT_EQ(response.status, 400) << response.body.substr(0, 200);
  EXPECT_EQ(server_.Client().Get("/healthz").status, 200);
}

TEST_F(AbuseTest, CrlfAndNulCannotBeSmuggledIntoOutboundRequests) {
  ExpectBadRequestNaming(
      admin_.PostJson("/v1/destinations",
                      {{"name", "x"}, {"url", "https://example.com/a\r\nX-Injected: 1"}}),
      "'url'");
  ExpectBadRequestNaming(
      admin_.PostJson("/v1/destinations", {{"name", "x"},
                                           {"url", "https://example.com/a"},
                                           {"headers", {{"X-Custom", "ok\r\nX-Injected: 1"}}}}),
      "'headers");
  ExpectBadRequestNaming(
      admin_.PostJson(
          "/v1/destinations",
          {{"name", "x"}, {"url", "https://example.com/a"}, {"headers", {{"X-Bad\r\nName", "v"}}}}),
      "'headers");
  std::string event = Capture(client_, source_);
  ExpectBadRequestNaming(
      admin_.PostJson("/v1/endpoints/" + source_ + "/requests/" + event + "/replay",
                      {{"target_url", "https://example.com/\r\nHost: evil"}}),
      "'target_url'");
  ExpectBadRequestNaming(admin_.PostJson("/v1/sources", {{"name", std::string("a\0b", 3)}}),
                         "'name'");
  // A header value with a bare CR never reaches a handler.
  std::string reply =
      RawExchange(server_.port(),
                  "POST /in/" + source_ + " HTTP/1.1\r\nHost: x\r\nX-A: a\rX-Injected: 1\r\n\r\n");
  EXPECT_NE(reply.find("HTTP/1.1 400"), std::string::npos) << reply;
}

TEST_F(AbuseTest, InvalidUtf8IsCapturedExactlyAndRefusedInApiBodies) {
  const std::string bytes("\xff\xfe\xc3\x28 not utf-8", 14);
  auto captured = client_.Request("POST", "/in/" + source_ + "/%FF%FE?q=%C3%28", bytes,
                                  {{"Content-Type", "application/octet-stream"}});
  ASSERT_EQ(captured.status, 200) << captured.body;
  auto event = admin_.Get("/v1/events/" + JsonString(captured.Json(), "id")).Json();
  EXPECT_FALSE(event.as_object().contains("body"));
  EXPECT_EQ(JsonString(event, "body_base64"), "//7DKCBub3QgdXRmLTg=");
  EXPECT_EQ(JsonString(event, "path"), "/%FF%FE");

  auto response = admin_.Request("POST", "/v1/sources", "{\"name\":\"\xff\xfe\"}",
                                 {{"Content-Type", "application/json"}});
  EXPECT_EQ(response.status, 400) << response.body;
  EXPECT_EQ(response.ErrorCode(), "bad_request");
}

TEST_F(AbuseTest, PathTraversalStaysInsideTheSourceAndTheApi) {
  SinkServer sink;
  std::string destination = CreateDestination(admin_, sink.url() + "/hooks/stripe");
  CreateConnection(admin_, source_, destination);
  // Dot segments in a capture are part of what was sent: stored as is, never resolved against
  // the API, and never appended to the destination's URL.
  for (const std::string sub_path : {"/../../v1/api-keys", "/%2e%2e/%2e%2e/v1/api-keys"}) {
    auto captured = client_.Request("POST", "/in/" + source_ + sub_path, "{}");
    ASSERT_EQ(captured.status, 200) << sub_path << " " << captured.body;
    auto event = admin_.Get("/v1/events/" + JsonString(captured.Json(), "id")).Json();
    EXPECT_EQ(JsonString(event, "path"), sub_path);
  }
  ASSERT_TRUE(sink.WaitForCount(2, 10s));
  for (const auto& request : sink.requests()) EXPECT_EQ(request.target, "/hooks/stripe");

  EXPECT_EQ(client_.Request("POST", "/in/../v1/sources", "{}").status, 404);
  // Dot segments do not walk from a route a viewer may use into one it may not.
  HttpClient viewer = server_.WithKey(CreateKey(admin_, "viewer"));
  for (const std::string path : {"/v1/sources/../api-keys", "/v1/sources/%2e%2e/api-keys"}) {
    auto response = viewer.Get(path);
    EXPECT_NE(response.status, 200) << path;
    EXPECT_EQ(response.body.find("key_prefix"), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace rehook::testing
