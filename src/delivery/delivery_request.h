#pragma once
// Builds the HTTP request that delivers a captured event to a destination: the original method,
// body bytes and forwardable headers (see outbound_headers.h), the destination's own headers,
// X-Rehook-Event-Id, and, when the destination has a secret, Standard Webhooks signature
// headers (webhook-id is the event id, the same on every retry, so consumers can deduplicate).

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "delivery/outbound_client.h"
#include "domain/destination.h"
#include "domain/event.h"
#include "domain/replay.h"
#include "transform/transform_request.h"

namespace rehook {

// How rehook marks a delivery that is a replay rather than the first forwarding.
struct ReplayMarks {
  std::string job_id;  // X-Rehook-Replay-Job-Id
  ReplayIdMode id_mode = ReplayIdMode::fresh;
};

// The webhook-id a delivery is signed with: the event id for forwarding (the same on every
// retry) and for replays with id_mode "original"; "<event id>.<job id>" for id_mode "new", which
// differs from the first delivery's yet stays the same if a resumed job re-sends the event.
std::string DeliveryId(const Event& event, const std::optional<ReplayMarks>& replay);

// `url` is the destination URL, parsed. `body` holds the event's body bytes. With `reshaped`
// (what a transformation returned), its method, headers and body are sent instead of the
// event's, and a path or query it changed is appended to the destination URL's; rehook's own
// headers and the signature (over the body sent) are added all the same.
OutboundRequest BuildDeliveryRequest(const Event& event, std::shared_ptr<const std::string> body,
                                     const Destination& destination, const TargetUrl& url,
                                     TimeMs now, const std::optional<ReplayMarks>& replay,
                                     const TransformedRequest* reshaped = nullptr);

// Builds a single-request replay of `event` to `target`: the original method, forwardable
// headers and body bytes; the target's path replaces the captured sub-path, and the captured
// query string is appended to the target's own; plus x-rehook-replay: 1 and
// x-rehook-original-request-id. Not signed: the target is not a configured destination.
OutboundRequest BuildRequestReplay(const Event& event, std::shared_ptr<const std::string> body,
                                   TargetUrl target, std::chrono::milliseconds timeout);

// Builds what `rehook listen` sends to a developer's local app: the original method, forwardable
// headers and body bytes to `base` with the captured sub-path appended to its path and the
// captured query string to its query, plus X-Rehook-Event-Id. Not signed.
OutboundRequest BuildLocalForward(const Event& event, std::shared_ptr<const std::string> body,
                                  TargetUrl base, std::chrono::milliseconds timeout);

}  // namespace rehook
