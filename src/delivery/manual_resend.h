#pragma once
// A resend a user asks for (POST /v1/events/{id}/retry): one event sent to one destination now,
// built exactly as forwarding builds it (the destination's URL, headers and signing; the target
// guard checks the address it connects to), and sent even while the destination's circuit is
// open — a deliberate act — with its outcome still fed to the circuit. The caller records the
// attempt it returns (trigger "manual").

#include <boost/asio/awaitable.hpp>

#include <memory>

#include "common/clock.h"
#include "delivery/circuit_breaker.h"
#include "delivery/delivery_counter.h"
#include "delivery/outbound_client.h"
#include "delivery/transform_step.h"
#include "domain/delivery.h"
#include "domain/destination.h"
#include "domain/event.h"

namespace rehook {

struct ResendTools {
  OutboundClient& client;
  CircuitBreakers& breakers;
  DeliveryCounter& deliveries;
  const Clock& clock;
  TransformStep& transforms;
};

// `via`: the connection of the event's source to the destination, if any; its transformation
// (as it is now) runs first, as it would when forwarding.
boost::asio::awaitable<DeliveryAttempt> ResendNow(ResendTools tools,
                                                  std::shared_ptr<const Event> event,
                                                  const Destination& destination,
                                                  const Connection* via);

}  // namespace rehook
