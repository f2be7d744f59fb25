#pragma once
// A captured request and its header fields, exactly as they arrived.

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"

namespace rehook {

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
  std::string body;  // empty unless loaded (the event log's reads say when)
};

}  // namespace rehook
