// Destinations that break in every way at once: hang, reset, close mid-request, trickle, 5xx,
// answer with a huge body, present an untrusted certificate. rehook keeps capturing, keeps
// delivering to the healthy destination, stops hammering the broken ones (circuit breaker),
// keeps its memory, and records for each what went wrong.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <thread>

#include "support/api_helpers.h"
#include "support/rehook_process.h"
#include "support/sink_server.h"

namespace rehook::testing {
namespace {

using namespace std::chrono_literals;

long ResidentKiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// A response with some fields set (designated initializers would leave the rest unnamed, which
// -Wmissing-field-initializers refuses).
SinkResponse Respond(const std::function<void(SinkResponse&)>& set) {
  SinkResponse response;
  set(response);
  return response;
}

SinkServer::Policy Always(SinkResponse response) {
  return [response](const SinkRequest&, int) { return response; };
}

struct Fault {
  std::string name;
  std::unique_ptr<SinkServer> sink;
  std::string destination;
};

TEST(DestinationFaultsTest, EveryKindOfBrokenDestinationIsSurvivedAndExplained) {
  constexpr int kThreshold = 5;
  constexpr int kConcurrency = 4;
  constexpr int kEvents = 100;
  const std::string kHugeBody(4 << 20, 'x');

  std::vector<Fault> faults;
  auto add = [&](std::string name, SinkResponse response, SinkOptions options = {}) {
    auto sink = std::make_unique<SinkServer>(options);
    sink->SetPolicy(Always(std::move(response)));
    faults.push_back({std::move(name), std::move(sink), ""});
  };
  add("hangs", Respond([](SinkResponse& r) { r.delay = 60s; }));
  add("resets", Respond([](SinkResponse& r) { r.reset = true; }));
  add("closes", Respond([](SinkResponse& r) { r.close_without_response = true; }));
  add("trickles", Respond([](SinkResponse& r) { r.trickle = 100ms; }));
  add("fails", Respond([](SinkResponse& r) {
        r.status = 503;
        r.body = "upstream down";
      }));
  add("untrusted", SinkResponse{}, {.tls = true, .certificates = std::nullopt});
  add("huge", Respond([&](SinkResponse& r) { r.body = kHugeBody; }));
  add("healthy", SinkResponse{});

  RehookProcess server(RehookOptions{
      .args = {"--allow-private-targets", "--retry-schedule", "", "--breaker-threshold",
               std::to_string(kThreshold), "--breaker-cooldown-ms", "600000",
               "--destination-concurrency", std::to_string(kConcurrency)}});
  HttpClient admin = server.Admin();
  std::string source = CreateSource(admin);
  for (Fault& fault : faults) {
    // Short timeouts for the broken ones; the others get time to spare on a busy machine.
    const bool should_work = fault.name == "healthy" || fault.name == "huge";
    fault.destination =
        CreateDestination(admin, fault.sink->url(),
                          {{"name", fault.name}, {"timeout_ms", should_work ? 10000 : 500}});
    CreateConnection(admin, source, fault.destination);
  }
  const long before_kib = ResidentKiB(server.pid());

  // Capture from four clients while every destination misbehaves.
  std::vector<std::string> events(kEvents);
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      HttpClient client = server.Client();
      for (int i = t; i < kEvents; i += 4) {
        auto response =
            client.Request("POST", "/in/" + source, "{\"n\":" + std::to_string(i) + "}");
        if (response.status == 200) events[i] = JsonString(response.Json(), "id");
      }
    });
  }
  for (auto& sender : senders) sender.join();
  for (int i = 0; i < kEvents; ++i) EXPECT_FALSE(events[i].empty()) << "capture " << i << " failed";
  Fault& hangs = faults[0];
  // Capture finished while the hanging destination still held deliveries: it never waits on them.
  EXPECT_GT(hangs.sink->in_flight(), 0);

  Fault& healthy = faults.back();
  EXPECT_TRUE(healthy.sink->WaitForCount(kEvents, 30s)) << healthy.sink->count();
  Fault& huge = faults[6];
  EXPECT_TRUE(huge.sink->WaitForCount(kEvents, 30s)) << huge.sink->count();

  // What one delivery to each destination recorded (not necessarily of the same event: once a
  // circuit is open, the events still waiting for that destination are postponed, not tried).
  std::map<std::string, boost::json::value> attempt_to;
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (attempt_to.size() < faults.size() && std::chrono::steady_clock::now() < deadline) {
    for (const std::string& event : events) {
      auto attempts = admin.Get("/v1/events/" + event + "/deliveries").Json();
      for (const auto& attempt : attempts.at("data").as_array()) {
        attempt_to.emplace(JsonString(attempt, "destination_id"), attempt);
      }
      if (attempt_to.size() == faults.size()) break;
    }
  }
  auto error_of = [](const boost::json::value& attempt) {
    const auto& error = attempt.at("error");
    return error.is_string() ? std::string(error.as_string()) : std::string();
  };
  for (const Fault& fault : faults) {
    ASSERT_TRUE(attempt_to.contains(fault.destination)) << fault.name << ": no attempt recorded";
    const boost::json::value& attempt = attempt_to[fault.destination];
    std::cout << fault.name << ": status " << boost::json::serialize(attempt.at("status_code"))
              << ", error \"" << error_of(attempt) << "\", received " << fault.sink->count()
              << "\n";
    if (fault.name == "healthy" || fault.name == "huge") {
      EXPECT_TRUE(attempt.at("success").as_bool()) << fault.name;
      EXPECT_EQ(boost::json::serialize(attempt.at("status_code")), "200") << fault.name;
      continue;
    }
    EXPECT_FALSE(attempt.at("success").as_bool()) << fault.name;
    if (fault.name == "fails") {
      EXPECT_EQ(boost::json::serialize(attempt.at("status_code")), "503");
      continue;
    }
    EXPECT_TRUE(attempt.at("status_code").is_null()) << fault.name;
    const std::string error = error_of(attempt);
    EXPECT_FALSE(error.empty()) << fault.name;
    if (fault.name == "hangs" || fault.name == "trickles") {
      EXPECT_EQ(error, "timeout after 500 ms") << fault.name;
    } else if (fault.name == "resets") {
      EXPECT_NE(error.find("reset"), std::string::npos) << error;
    } else if (fault.name == "untrusted") {
      EXPECT_NE(error.find("certificate verify failed"), std::string::npos) << error;
    }
  }

  // The breaker spared the broken destinations: at most the failures that open it plus what was
  // already in flight, not one request per event.
  for (const Fault& fault : faults) {
    if (fault.name == "healthy" || fault.name == "huge") continue;
    // Requests in flight when the first attempt was logged fail (time out) a little later: the
    // circuit opens once the threshold's worth of failures has come back.
    WaitUntil([&] { return CircuitState(admin, fault.destination) == "open"; },
              std::chrono::seconds(5), std::chrono::milliseconds(25));
    EXPECT_EQ(CircuitState(admin, fault.destination), "open") << fault.name;
    if (fault.name != "untrusted") {  // refused during the TLS handshake: no request arrives
      EXPECT_LE(fault.sink->count(), static_cast<std::size_t>(kThreshold + kConcurrency))
          << fault.name;
    }
  }

  // 100 responses of 4 MiB were read only as far as the response cap: memory stayed put.
  const long after_kib = ResidentKiB(server.pid());
  std::cout << "resident memory: " << before_kib << " KiB before, " << after_kib
            << " KiB after 100 huge responses and " << faults.size() - 2
            << " broken destinations\n";
  EXPECT_LT(after_kib - before_kib, 200 * 1024);
  EXPECT_EQ(server.Client().Get("/healthz").status, 200);
}

}  // namespace
}  // namespace rehook::testing
