#include "store/sqlite/sqlite_rows.h"

#include "store/header_codec.h"

namespace rehook::sqlite {

Organization ReadOrganization(const Statement& row) {
  Organization org;
  org.id = row.Text(0);
  org.name = row.Text(1);
  org.retention_days = static_cast<int>(row.Int64(2));
  org.created_at = row.Int64(3);
  return org;
}

ApiKey ReadApiKey(const Statement& row) {
  ApiKey key;
  key.id = row.Text(0);
  key.org_id = row.Text(1);
  key.name = row.Text(2);
  key.role = ParseRole(row.Text(3)).value_or(Role::viewer);
  key.key_hash = row.Bytes(4);
  key.key_prefix = row.Text(5);
  key.created_at = row.Int64(6);
  return key;
}

Source ReadSource(const Statement& row) {
  Source source;
  source.id = row.Text(0);
  source.org_id = row.Text(1);
  source.name = row.Text(2);
  source.config_json = row.Text(3);
  source.created_at = row.Int64(4);
  source.updated_at = row.Int64(5);
  return source;
}

Event ReadEvent(const Statement& row) {
  Event event;
  event.id = row.Text(0);
  event.org_id = row.Text(1);
  event.source_id = row.Text(2);
  event.received_at = row.Int64(3);
  event.method = row.Text(4);
  event.path = row.Text(5);
  event.query = row.Text(6);
  auto headers = DecodeHeaders(row.Bytes(7));
  if (!headers) throw StoreError("stored headers of event " + event.id + " are corrupt");
  event.headers = std::move(*headers);
  event.client_ip = row.Text(8);
  event.size = row.Int64(9);
  event.verified = row.Int64(10) != 0;
  return event;
}

Destination ReadDestination(const Statement& row) {
  Destination destination;
  destination.id = row.Text(0);
  destination.org_id = row.Text(1);
  destination.name = row.Text(2);
  destination.url = row.Text(3);
  destination.timeout_ms = static_cast<int>(row.Int64(4));
  auto headers = DecodeHeaders(row.Bytes(5));
  if (!headers)
    throw StoreError("stored headers of destination " + destination.id + " are corrupt");
  destination.headers = std::move(*headers);
  destination.secret = row.Text(6);
  if (auto rate = row.OptionalInt64(7)) destination.rate_limit = static_cast<int>(*rate);
  destination.created_at = row.Int64(8);
  destination.updated_at = row.Int64(9);
  return destination;
}

Connection ReadConnection(const Statement& row) {
  Connection connection;
  connection.id = row.Text(0);
  connection.org_id = row.Text(1);
  connection.source_id = row.Text(2);
  connection.destination_id = row.Text(3);
  connection.filter_json = row.Text(4);
  connection.enabled = row.Int64(5) != 0;
  connection.created_at = row.Int64(6);
  connection.updated_at = row.Int64(7);
  return connection;
}

DeliveryTask ReadTask(const Statement& row) {
  DeliveryTask task;
  task.id = row.Text(0);
  task.org_id = row.Text(1);
  task.event_id = row.Text(2);
  task.destination_id = row.Text(3);
  task.connection_id = row.Text(4);
  task.attempts = static_cast<int>(row.Int64(5));
  task.next_attempt_at = row.Int64(6);
  task.lease_owner = row.Text(7);
  task.lease_until = row.Int64(8);
  task.created_at = row.Int64(9);
  return task;
}

ReplayJob ReadReplayJob(const Statement& row) {
  ReplayJob job;
  job.id = row.Text(0);
  job.org_id = row.Text(1);
  job.destination_id = row.Text(2);
  if (!row.IsNull(3)) job.source_id = row.Text(3);
  if (!row.IsNull(4)) job.connection_id = row.Text(4);
  job.filter_json = row.Text(5);
  job.from = row.Int64(6);
  job.to = row.Int64(7);
  job.rate_limit = static_cast<int>(row.Int64(8));
  job.max_events = static_cast<int>(row.Int64(9));
  job.status = ParseReplayStatus(row.Text(10)).value_or(ReplayStatus::running);
  job.status_reason = row.Text(11);
  job.total = static_cast<int>(row.Int64(12));
  job.processed = static_cast<int>(row.Int64(13));
  job.succeeded = static_cast<int>(row.Int64(14));
  job.failed = static_cast<int>(row.Int64(15));
  if (!row.IsNull(16)) job.cursor = Cursor{row.Int64(16), row.Text(17)};
  job.created_at = row.Int64(18);
  job.started_at = row.Int64(19);
  job.completed_at = row.OptionalInt64(20);
  job.expires_at = row.OptionalInt64(21);
  job.lease_owner = row.Text(22);
  job.lease_until = row.Int64(23);
  return job;
}

SingleReplay ReadSingleReplay(const Statement& row) {
  SingleReplay replay;
  replay.id = row.Text(0);
  replay.org_id = row.Text(1);
  replay.source_id = row.Text(2);
  replay.event_id = row.Text(3);
  replay.target_url = row.Text(4);
  if (auto status = row.OptionalInt64(5)) replay.status_code = static_cast<int>(*status);
  replay.response_time_ms = row.OptionalInt64(6);
  replay.success = row.Int64(7) != 0;
  replay.error = row.Text(8);
  replay.created_at = row.Int64(9);
  return replay;
}

DeliveryAttempt ReadAttempt(const Statement& row) {
  DeliveryAttempt attempt;
  attempt.id = row.Text(0);
  attempt.org_id = row.Text(1);
  attempt.event_id = row.Text(2);
  attempt.destination_id = row.Text(3);
  if (!row.IsNull(4)) attempt.connection_id = row.Text(4);
  if (!row.IsNull(5)) attempt.replay_job_id = row.Text(5);
  attempt.attempt = static_cast<int>(row.Int64(6));
  if (auto status = row.OptionalInt64(7)) attempt.status_code = static_cast<int>(*status);
  attempt.response_time_ms = row.OptionalInt64(8);
  attempt.success = row.Int64(9) != 0;
  attempt.error = row.Text(10);
  attempt.next_retry_at = row.OptionalInt64(11);
  attempt.created_at = row.Int64(12);
  return attempt;
}

void BindAttempt(Statement& statement, const DeliveryAttempt& attempt) {
  statement.BindAll(attempt.id, attempt.org_id, attempt.event_id, attempt.destination_id,
                    attempt.connection_id, attempt.replay_job_id, attempt.attempt,
                    attempt.status_code, attempt.response_time_ms, attempt.success, attempt.error,
                    attempt.next_retry_at, attempt.created_at);
}

}  // namespace rehook::sqlite
