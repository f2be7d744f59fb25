#pragma once
// Reading stored rows into model structs, shared by the SQLite and PostgreSQL stores. Both select
// the same columns in the same order (the k*Columns lists below), and both row types offer
// Text, Bytes, Int64, OptionalInt64 and IsNull by column index.

#include <string>
#include <utility>
#include <vector>

#include "domain/circuit.h"
#include "domain/delivery.h"
#include "domain/destination.h"
#include "domain/event.h"
#include "domain/replay.h"
#include "domain/source.h"
#include "domain/tenancy.h"
#include "domain/transformation.h"
#include "store/header_codec.h"
#include "store/queries.h"
#include "store/store.h"

namespace rehook::rows {

// Column lists matching the readers below.
inline constexpr const char* kOrganizationColumns = "id, name, retention_days, created_at";
inline constexpr const char* kApiKeyColumns =
    "id, org_id, name, role, key_hash, key_prefix, created_at";
inline constexpr const char* kSourceColumns = "id, org_id, name, config, created_at, updated_at";
// Every event column except the body, which comes last when asked for.
inline constexpr const char* kEventColumns =
    "id, org_id, source_id, received_at, method, path, query, headers, client_ip, size, verified";
inline constexpr int kEventBodyColumn = 11;
inline constexpr const char* kDestinationColumns =
    "id, org_id, name, url, timeout_ms, headers, secret, rate_limit, created_at, updated_at, "
    "enabled, retry_attempts, retry_backoff, retry_interval_ms, disable_after_ms, failing_since";
inline constexpr const char* kConnectionColumns =
    "id, org_id, source_id, destination_id, filter, enabled, created_at, updated_at, "
    "transformation_id";
inline constexpr const char* kTransformationColumns =
    "id, org_id, name, code, created_at, updated_at";
inline constexpr const char* kTaskColumns =
    "id, org_id, event_id, destination_id, connection_id, attempts, next_attempt_at, lease_owner, "
    "lease_until, created_at";
inline constexpr const char* kReplayJobColumns =
    "id, org_id, destination_id, source_id, connection_id, filter, range_from, range_to, "
    "rate_limit, max_events, status, status_reason, total, processed, succeeded, failed, "
    "cursor_time, cursor_id, created_at, started_at, completed_at, expires_at, lease_owner, "
    "lease_until, id_mode, fixed, regressed, only_kind, transformation_id";
inline constexpr const char* kSingleReplayColumns =
    "id, org_id, source_id, event_id, target_url, status_code, response_time_ms, success, error, "
    "created_at, outcome, response_body";
inline constexpr const char* kAttemptColumns =
    "id, org_id, event_id, destination_id, connection_id, replay_job_id, attempt, status_code, "
    "response_time_ms, success, error, next_retry_at, created_at, outcome, response_body, "
    "trigger_kind, transformation_id, transformation_us, skipped, sent_request";

// A replay outcome as stored: its name, or NULL.
inline std::optional<std::string> OutcomeColumn(const std::optional<ReplayOutcome>& outcome) {
  if (!outcome) return std::nullopt;
  return std::string(ReplayOutcomeName(*outcome));
}

template <class Row>
std::optional<ReplayOutcome> ReadOutcome(const Row& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return ParseReplayOutcome(row.Text(column));
}

// Attempts recorded before triggers were stored (schema 10) tell theirs by their other columns.
template <class Row>
AttemptTrigger ReadTrigger(const Row& row, int column, const DeliveryAttempt& attempt) {
  if (!row.IsNull(column)) {
    if (auto trigger = ParseAttemptTrigger(row.Text(column))) return *trigger;
  }
  if (attempt.replay_job_id) return AttemptTrigger::replay;
  return attempt.attempt > 1 ? AttemptTrigger::retry : AttemptTrigger::forward;
}

template <class Row>
Organization ReadOrganization(const Row& row) {
  Organization org;
  org.id = row.Text(0);
  org.name = row.Text(1);
  org.retention_days = static_cast<int>(row.Int64(2));
  org.created_at = row.Int64(3);
  return org;
}

template <class Row>
ApiKey ReadApiKey(const Row& row) {
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

template <class Row>
Source ReadSource(const Row& row) {
  Source source;
  source.id = row.Text(0);
  source.org_id = row.Text(1);
  source.name = row.Text(2);
  source.config_json = row.Text(3);
  source.created_at = row.Int64(4);
  source.updated_at = row.Int64(5);
  return source;
}

template <class Row>
Event ReadEvent(const Row& row) {
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

template <class Row>
Destination ReadDestination(const Row& row) {
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
  destination.enabled = row.Int64(10) != 0;
  if (auto attempts = row.OptionalInt64(11)) {
    RetryPolicy policy;
    policy.attempts = static_cast<int>(*attempts);
    policy.backoff = ParseRetryBackoff(row.Text(12)).value_or(RetryBackoff::exponential);
    policy.interval_ms = row.Int64(13);
    destination.retry = policy;
  }
  destination.disable_after_ms = row.OptionalInt64(14);
  destination.failing_since = row.OptionalInt64(15);
  return destination;
}

template <class Row>
Connection ReadConnection(const Row& row) {
  Connection connection;
  connection.id = row.Text(0);
  connection.org_id = row.Text(1);
  connection.source_id = row.Text(2);
  connection.destination_id = row.Text(3);
  connection.filter_json = row.Text(4);
  connection.enabled = row.Int64(5) != 0;
  connection.created_at = row.Int64(6);
  connection.updated_at = row.Int64(7);
  if (!row.IsNull(8)) connection.transformation_id = row.Text(8);
  return connection;
}

template <class Row>
Transformation ReadTransformation(const Row& row) {
  Transformation transformation;
  transformation.id = row.Text(0);
  transformation.org_id = row.Text(1);
  transformation.name = row.Text(2);
  transformation.code = row.Text(3);
  transformation.created_at = row.Int64(4);
  transformation.updated_at = row.Int64(5);
  return transformation;
}

template <class Row>
DeliveryTask ReadTask(const Row& row) {
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

template <class Row>
ReplayJob ReadReplayJob(const Row& row) {
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
  job.id_mode = ParseReplayIdMode(row.Text(24)).value_or(ReplayIdMode::fresh);
  job.fixed = static_cast<int>(row.Int64(25));
  job.regressed = static_cast<int>(row.Int64(26));
  job.only = ParseReplayOnly(row.Text(27)).value_or(ReplayOnly::all);
  if (!row.IsNull(28)) job.transformation_id = row.Text(28);
  return job;
}

template <class Row>
SingleReplay ReadSingleReplay(const Row& row) {
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
  replay.outcome = ReadOutcome(row, 10);
  replay.response_body = row.Bytes(11);
  return replay;
}

template <class Row>
DeliveryAttempt ReadAttempt(const Row& row) {
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
  attempt.outcome = ReadOutcome(row, 13);
  attempt.response_body = row.Bytes(14);
  attempt.trigger = ReadTrigger(row, 15, attempt);
  if (!row.IsNull(16)) attempt.transformation_id = row.Text(16);
  attempt.transformation_us = row.OptionalInt64(17);
  attempt.skipped = row.Int64(18) != 0;
  if (!row.IsNull(19)) attempt.sent_request = row.Text(19);
  return attempt;
}

inline constexpr const char* kCircuitColumns =
    "destination_id, consecutive_failures, opened_at, retry_at";

template <class Row>
CircuitRecord ReadCircuit(const Row& row) {
  CircuitRecord record;
  record.destination_id = row.Text(0);
  record.consecutive_failures = static_cast<int>(row.Int64(1));
  record.opened_at = row.Int64(2);
  record.retry_at = row.Int64(3);
  return record;
}

// Builds a page from rows fetched with limit + 1: when the extra row exists it is dropped and
// `next` points at the last kept item.
template <class T, class TimeOf>
Page<T> TrimToPage(std::vector<T> items, int limit, TimeOf time_of) {
  Page<T> page;
  page.items = std::move(items);
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    const T& last = page.items.back();
    page.next = Cursor{time_of(last), last.id};
  }
  return page;
}

}  // namespace rehook::rows
