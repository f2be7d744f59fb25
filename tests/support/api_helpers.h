#pragma once
// Shortcuts for end-to-end tests that need a resource to exist before testing something else.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>

#include "support/http_client.h"

namespace rehook::testing {

inline std::string JsonString(const boost::json::value& value, std::string_view key) {
  return std::string(value.at(key).as_string());
}

// Creates a source and returns its id.
inline std::string CreateSource(HttpClient& api, const std::string& name = "test source") {
  auto response = api.PostJson("/v1/sources", {{"name", name}});
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

}  // namespace rehook::testing
