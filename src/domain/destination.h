#pragma once
// Where captured events go: destinations, and the connections that route a source's events to
// them.

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/event.h"

namespace rehook {

// Where captured events are delivered.
struct Destination {
  std::string id;
  std::string org_id;
  std::string name;
  std::string url;
  int timeout_ms = 10000;
  std::vector<HeaderField> headers;  // added to every delivery
  std::string secret;                // Standard Webhooks signing secret ("whsec_..."); "" for none
  std::optional<int> rate_limit;     // deliveries per second at most; nullopt: no limit
  // A disabled destination is forwarded nothing: events captured meanwhile are kept and can be
  // replayed to it (by connection) once it is back. Replay jobs may still target it.
  bool enabled = true;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// Routes a source's events to a destination, optionally only those matching a filter.
struct Connection {
  std::string id;
  std::string org_id;
  std::string source_id;
  std::string destination_id;
  std::string filter_json;  // the filter spec as JSON; "" for none (everything passes)
  bool enabled = true;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

}  // namespace rehook
