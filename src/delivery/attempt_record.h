#pragma once
// The records of what a send did, for each way rehook sends: a forwarded delivery's and a
// replay job's DeliveryAttempt, a single replay's SingleReplay. All three carry the send's
// result the same way (status, response time, success, the error in words, the first bytes of
// the response) under a new id and the time `now` they are recorded at.

#include <optional>
#include <string>

#include "common/clock.h"
#include "delivery/outbound_client.h"
#include "domain/delivery.h"
#include "domain/event.h"
#include "domain/replay.h"

namespace rehook {

// Forwarding `task` of an event of `source_id` (its attempt number is one more than the task's
// attempts so far); the caller adds next_retry_at when a retry is scheduled.
DeliveryAttempt ForwardingAttempt(const DeliveryTask& task, const std::string& source_id,
                                  const OutboundResult& result, TimeMs now);

// Replay job `job` sending `event` to the job's destination. `earlier`: whether the
// event's last earlier attempt there succeeded (nullopt: none), which decides the outcome.
DeliveryAttempt ReplayJobAttempt(const ReplayJob& job, const Event& event,
                                 const OutboundResult& result, std::optional<bool> earlier,
                                 TimeMs now);

// `event` resent to `destination_id` on a user's request (POST /v1/events/{id}/retry).
DeliveryAttempt ManualAttempt(const Event& event, const std::string& destination_id,
                              const OutboundResult& result, TimeMs now);

// `event` re-sent to `target_url` on request; its outcome is left to the caller, who compares it
// with the last earlier send to the same URL.
SingleReplay SingleReplayRecord(const Event& event, std::string target_url,
                                const OutboundResult& result, TimeMs now);

}  // namespace rehook
