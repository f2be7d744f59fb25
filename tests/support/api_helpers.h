#pragma once
// Shortcuts for end-to-end tests that need a resource to exist before testing something else.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "support/http_client.h"

namespace rehook::testing {

inline std::string JsonString(const boost::json::value& value, std::string_view key) {
  return std::string(value.at(key).as_string());
}

// `text` percent-encoded for a query parameter (every byte but the unreserved ones).
inline std::string UrlEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    }
  }
  return out;
}

// Creates a source and returns its id.
inline std::string CreateSource(HttpClient& api, const std::string& name = "test source") {
  auto response = api.PostJson("/v1/sources", {{"name", name}});
  EXPECT_EQ(response.status, 201) << response.body;
  return JsonString(response.Json(), "id");
}

// Creates a destination for `url` (plus any `extra` fields) and returns its id.
inline std::string CreateDestination(HttpClient& api, const std::string& url,
                                     boost::json::object extra = {}) {
  extra["url"] = url;
  if (!extra.contains("name")) extra["name"] = "test destination";
  auto response = api.PostJson("/v1/destinations", extra);
  EXPECT_EQ(response.status, 201) << response.body;
  return JsonString(response.Json(), "id");
}

// Connects a source to a destination (optionally through a filter) and returns the id.
inline std::string CreateConnection(HttpClient& api, const std::string& source_id,
                                    const std::string& destination_id,
                                    boost::json::value filter = nullptr) {
  boost::json::object body{{"source_id", source_id}, {"destination_id", destination_id}};
  if (!filter.is_null()) body["filter"] = filter;
  auto response = api.PostJson("/v1/connections", body);
  EXPECT_EQ(response.status, 201) << response.body;
  return JsonString(response.Json(), "id");
}

// Creates a key with `role` (in `org_id` when given) and returns its secret.
inline std::string CreateKey(HttpClient& admin, const std::string& role,
                             const std::string& org_id = "") {
  boost::json::object body{{"name", role + " key"}, {"role", role}};
  if (!org_id.empty()) body["org_id"] = org_id;
  auto response = admin.PostJson("/v1/api-keys", body);
  EXPECT_EQ(response.status, 201) << response.body;
  return JsonString(response.Json(), "key");
}

// Captures one webhook and returns the event id.
inline std::string Capture(HttpClient& client, const std::string& source_id,
                           const std::string& body = R"({"hello":"world"})",
                           const std::string& sub_path = "") {
  auto response = client.Request("POST", "/in/" + source_id + sub_path, body,
                                 {{"Content-Type", "application/json"}});
  EXPECT_EQ(response.status, 200) << response.body;
  return JsonString(response.Json(), "id");
}

// The state of the destination's circuit: "closed", "open" or "half_open".
inline std::string CircuitState(HttpClient& api, const std::string& destination_id) {
  auto response = api.Get("/v1/destinations/" + destination_id);
  return JsonString(response.Json().at("circuit"), "state");
}

// Polls `condition` every `interval` until it holds or `timeout` passes; the caller asserts
// what it needs afterwards.
template <class Condition>
void WaitUntil(Condition condition, std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(interval);
  }
}

// The event's logged delivery attempts, oldest first.
inline boost::json::array Deliveries(HttpClient& api, const std::string& event_id) {
  auto response = api.Get("/v1/events/" + event_id + "/deliveries");
  EXPECT_EQ(response.status, 200) << response.body;
  return response.Json().at("data").as_array();
}

// Polls until the event has `n` logged attempts: a sink has a delivery before its attempt is
// logged (through the next group commit).
inline boost::json::array WaitForAttempts(
    HttpClient& api, const std::string& event_id, std::size_t n,
    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  boost::json::array attempts;
  do {
    attempts = Deliveries(api, event_id);
    if (attempts.size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return attempts;
}

}  // namespace rehook::testing
