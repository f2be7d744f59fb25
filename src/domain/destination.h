#pragma once
// Where captured events go: destinations, and the connections that route a source's events to
// them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "domain/event.h"

namespace rehook {

// How forwarding retries a destination's failed deliveries, when it has a policy of its own
// (otherwise the server's --retry-schedule applies). The wait after the n-th failed attempt is
// interval_ms * 2^(n-1) (exponential) or interval_ms * n (linear), each within +-20 % jitter.
enum class RetryBackoff { exponential, linear };
std::string_view RetryBackoffName(RetryBackoff backoff);
std::optional<RetryBackoff> ParseRetryBackoff(std::string_view name);

struct RetryPolicy {
  static constexpr int kMinAttempts = 1;
  static constexpr int kMaxAttempts = 20;
  static constexpr TimeMs kMinIntervalMs = 100;
  static constexpr TimeMs kMaxIntervalMs = 24LL * 60 * 60 * 1000;

  int attempts = 6;  // including the first
  RetryBackoff backoff = RetryBackoff::exponential;
  TimeMs interval_ms = 30'000;

  bool operator==(const RetryPolicy&) const = default;
};

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
  std::optional<RetryPolicy> retry;  // nullopt: the server's retry schedule
  // Auto-disable: after this long with every attempt failing, rehook disables the destination
  // and notifies destination.disabled. nullopt: never (the default).
  std::optional<TimeMs> disable_after_ms;
  // The first failed attempt since the last successful one; nullopt while the latest attempt
  // succeeded. Kept by the store with each group commit (read-only to the API).
  std::optional<TimeMs> failing_since;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// Routes a source's events to a destination, optionally only those matching a filter.
struct Connection {
  std::string id;
  std::string org_id;
  std::string source_id;
  std::string destination_id;
  std::string filter_json;        // the filter spec as JSON; "" for none (everything passes)
  std::string transformation_id;  // run before each delivery; "" for none
  bool enabled = true;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

}  // namespace rehook
