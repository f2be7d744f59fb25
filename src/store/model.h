#pragma once
// The records rehook keeps. Plain data, shared by every Store implementation and the API layer.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/role.h"
#include "common/clock.h"
#include "common/cursor.h"

namespace rehook {

struct Organization {
  std::string id;
  std::string name;
  int retention_days = 30;
  TimeMs created_at = 0;
};

struct ApiKey {
  std::string id;
  std::string org_id;
  std::string name;
  Role role = Role::viewer;
  std::string key_hash;    // SHA-256 of the secret; the secret itself is never stored
  std::string key_prefix;  // first characters of the secret, to recognise a key in lists
  TimeMs created_at = 0;
};

// A dashboard session created by signing in with an API key; it acts with that key's rights and
// ends when the key is deleted or the session expires.
struct Session {
  std::string token_hash;
  std::string key_id;
  TimeMs created_at = 0;
  TimeMs expires_at = 0;
};

// Who is calling: the result of authenticating a key or a session.
struct Principal {
  std::string key_id;
  std::string org_id;
  Role role = Role::viewer;
};

struct Source {
  std::string id;
  std::string org_id;
  std::string name;
  // Source options as a JSON object (signature verification, dedup, ...); "{}" when none.
  std::string config_json = "{}";
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

struct HeaderField {
  std::string name;
  std::string value;
};

// One captured request, exactly as it arrived.
struct Event {
  std::string id;
  std::string org_id;
  std::string source_id;
  TimeMs received_at = 0;
  std::string method;
  std::string path;                  // sub-path after /in/{source_id}, starting with "/"
  std::string query;                 // raw query string without "?"
  std::vector<HeaderField> headers;  // in arrival order, duplicates kept
  std::string client_ip;
  std::int64_t size = 0;  // body bytes
  bool verified = true;
  std::string body;  // empty unless loaded (see Store::GetEvent)
};

struct PageRequest {
  int limit = 50;
  std::optional<Cursor> after;  // continue after this item
};

template <class T>
struct Page {
  std::vector<T> items;
  std::optional<Cursor> next;  // set when more items may follow
};

// Filters of GET /v1/events; times are inclusive bounds on received_at.
struct EventQuery {
  std::string org_id;
  std::optional<std::string> source_id;
  std::optional<TimeMs> from;
  std::optional<TimeMs> to;
  PageRequest page;
};

}  // namespace rehook
