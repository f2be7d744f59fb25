#pragma once
// Store role: destination state shared by several nodes. Used when nodes share one database, so
// that a destination's rate limit and circuit hold across all of them. Neither needs to survive
// a crash: no fsync is waited for.

#include <string>
#include <vector>

#include "domain/circuit.h"

namespace rehook {

class ClusterState {
 public:
  virtual ~ClusterState() = default;

  // Reserves the next start of a delivery to a rate-limited destination: the later of `now`
  // and the slot after the previous reservation; reservations are `spacing_ms` apart.
  virtual TimeMs ReserveDeliverySlot(const std::string& destination_id, TimeMs now,
                                     TimeMs spacing_ms) = 0;
  // Folds `report` into the destination's circuit: its run of consecutive failures, opening it
  // for `cooldown_ms` once the run reaches `threshold` (a circuit already open stays as is; a
  // success with no failure after it closes it). Returns the circuit as it now stands.
  virtual CircuitRecord ReportCircuit(const CircuitReport& report, int threshold,
                                      TimeMs cooldown_ms, TimeMs now) = 0;
  // Circuits with failures counted, open or half-open.
  virtual std::vector<CircuitRecord> ListTroubledCircuits() = 0;
};

}  // namespace rehook
