#pragma once
// Reading rows into model structs, and keyset pagination, shared by the SqliteStore files.

#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace rehook::sqlite {

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
    "id, org_id, name, url, timeout_ms, headers, secret, rate_limit, created_at, updated_at";
inline constexpr const char* kConnectionColumns =
    "id, org_id, source_id, destination_id, filter, enabled, created_at, updated_at";
inline constexpr const char* kTaskColumns =
    "id, org_id, event_id, destination_id, connection_id, attempts, next_attempt_at, lease_owner, "
    "lease_until, created_at";
inline constexpr const char* kReplayJobColumns =
    "id, org_id, destination_id, source_id, connection_id, filter, range_from, range_to, "
    "rate_limit, max_events, status, status_reason, total, processed, succeeded, failed, "
    "cursor_time, cursor_id, created_at, started_at, completed_at, expires_at, lease_owner, "
    "lease_until";
inline constexpr const char* kSingleReplayColumns =
    "id, org_id, source_id, event_id, target_url, status_code, response_time_ms, success, error, "
    "created_at";
inline constexpr const char* kAttemptColumns =
    "id, org_id, event_id, destination_id, connection_id, replay_job_id, attempt, status_code, "
    "response_time_ms, success, error, next_retry_at, created_at";

Organization ReadOrganization(const Statement& row);
ApiKey ReadApiKey(const Statement& row);
Source ReadSource(const Statement& row);
// Reads an event's metadata; the body is read separately when selected.
Event ReadEvent(const Statement& row);
Destination ReadDestination(const Statement& row);
ReplayJob ReadReplayJob(const Statement& row);
SingleReplay ReadSingleReplay(const Statement& row);
Connection ReadConnection(const Statement& row);
DeliveryTask ReadTask(const Statement& row);
DeliveryAttempt ReadAttempt(const Statement& row);

// Binds `attempt` to ?1..?13, in kAttemptColumns order.
void BindAttempt(Statement& statement, const DeliveryAttempt& attempt);

// Steps `statement` (bound to fetch limit + 1 rows) and builds a page: when the extra row exists
// it is dropped and `next` points at the last kept item.
template <class T, class ReadRow, class TimeOf>
Page<T> CollectPage(Statement& statement, int limit, ReadRow read_row, TimeOf time_of) {
  Page<T> page;
  while (statement.Step()) page.items.push_back(read_row(statement));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    const T& last = page.items.back();
    page.next = Cursor{time_of(last), last.id};
  }
  return page;
}

}  // namespace rehook::sqlite
