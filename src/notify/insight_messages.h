#pragma once
// The notifications rehook sends (API.md, "Insight"), built from what changed: the data a
// receiving service acts on, a sentence for people, and the dashboard page to open.

#include <string>

#include "common/clock.h"
#include "domain/delivery.h"
#include "domain/destination.h"
#include "domain/replay.h"
#include "notify/notification_message.h"

namespace rehook {

// destination.circuit_opened (opened: true) or destination.circuit_closed; `failures`: the
// consecutive failures that opened it.
Notification CircuitNotification(const Destination& destination, bool opened, int failures,
                                 TimeMs now);
// destination.disabled: every attempt failed for the destination's disable_after_ms.
Notification DisabledNotification(const Destination& destination, TimeMs now);
// replay.completed or replay.paused, by the job's status.
Notification ReplayNotification(const ReplayJob& job, TimeMs now);
// delivery.exhausted: `attempt` was the last one forwarding makes.
Notification ExhaustedNotification(const DeliveryAttempt& attempt, const Destination& destination);

}  // namespace rehook
