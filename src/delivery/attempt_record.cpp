#include "delivery/attempt_record.h"

#include "common/ids.h"

namespace rehook {

namespace {

// The fields DeliveryAttempt and SingleReplay share, filled from the send's result.
template <class Record>
Record WithResult(const char* id_prefix, const OutboundResult& result, TimeMs now) {
  Record record;
  record.id = NewId(id_prefix, now);
  record.status_code = result.status_code;
  record.response_time_ms = result.response_time_ms;
  record.success = result.success();
  record.error = result.error;
  record.response_body = result.body_prefix;
  record.created_at = now;
  return record;
}

}  // namespace

DeliveryAttempt ForwardingAttempt(const DeliveryTask& task, const std::string& source_id,
                                  const OutboundResult& result, TimeMs now) {
  auto attempt = WithResult<DeliveryAttempt>("del", result, now);
  attempt.org_id = task.org_id;
  attempt.event_id = task.event_id;
  attempt.source_id = source_id;
  attempt.destination_id = task.destination_id;
  attempt.connection_id = task.connection_id;
  attempt.attempt = task.attempts + 1;
  attempt.trigger = task.attempts == 0 ? AttemptTrigger::forward : AttemptTrigger::retry;
  return attempt;
}

DeliveryAttempt ReplayJobAttempt(const ReplayJob& job, const Event& event,
                                 const OutboundResult& result, std::optional<bool> earlier,
                                 TimeMs now) {
  auto attempt = WithResult<DeliveryAttempt>("del", result, now);
  attempt.org_id = job.org_id;
  attempt.event_id = event.id;
  attempt.source_id = event.source_id;
  attempt.destination_id = job.destination_id;
  attempt.replay_job_id = job.id;
  attempt.trigger = AttemptTrigger::replay;
  attempt.outcome = CompareWithEarlier(earlier, attempt.success);
  return attempt;
}

DeliveryAttempt ManualAttempt(const Event& event, const std::string& destination_id,
                              const OutboundResult& result, TimeMs now) {
  auto attempt = WithResult<DeliveryAttempt>("del", result, now);
  attempt.org_id = event.org_id;
  attempt.event_id = event.id;
  attempt.source_id = event.source_id;
  attempt.destination_id = destination_id;
  attempt.trigger = AttemptTrigger::manual;
  return attempt;
}

SingleReplay SingleReplayRecord(const Event& event, std::string target_url,
                                const OutboundResult& result, TimeMs now) {
  auto replay = WithResult<SingleReplay>("rpl", result, now);
  replay.org_id = event.org_id;
  replay.source_id = event.source_id;
  replay.event_id = event.id;
  replay.target_url = std::move(target_url);
  return replay;
}

}  // namespace rehook
