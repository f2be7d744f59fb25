#pragma once
// What forwarding, replay and auto-disable tell whoever watches deliveries (the notifier,
// wired in app/): the changes a team wants to hear about. Each is called on the thread that saw
// the change and must return at once (the notifier only queues a message).

#include <string>

#include "delivery/circuit_breaker.h"
#include "domain/delivery.h"
#include "domain/destination.h"
#include "domain/replay.h"

namespace rehook {

class DeliveryWatcher {
 public:
  virtual ~DeliveryWatcher() = default;

  // The live circuit of `destination_id` opened (after `failures` consecutive failures) or
  // closed, on this node.
  virtual void CircuitChanged(const std::string& destination_id, CircuitState to, int failures) = 0;
  // Forwarding gave up on a delivery: `attempt` failed and no retry is left.
  virtual void DeliveryExhausted(const DeliveryAttempt& attempt,
                                 const Destination& destination) = 0;
  // Auto-disable switched `destination` off after every attempt failed for its window.
  virtual void DestinationDisabled(const Destination& destination) = 0;
  // A replay job completed, or rehook paused it (its destination is failing).
  virtual void ReplayChanged(const ReplayJob& job) = 0;
};

}  // namespace rehook
