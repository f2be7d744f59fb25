#pragma once
// A destination's circuit as the nodes of a cluster share it (PostgreSQL).

#include <string>

#include "common/clock.h"

namespace rehook {

// What a node saw of a destination's deliveries since it last reported them, to be folded into
// the circuit all nodes share: the failures after its last success, and whether a success
// happened at all (which ends the shared run of failures).
struct CircuitReport {
  std::string destination_id;
  int trailing_failures = 0;
  bool saw_success = false;
};

// A destination's shared circuit: open while retry_at > now, half-open once it has passed,
// closed when retry_at is 0.
struct CircuitRecord {
  std::string destination_id;
  int consecutive_failures = 0;
  TimeMs opened_at = 0;
  TimeMs retry_at = 0;
};

}  // namespace rehook
