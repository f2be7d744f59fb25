#pragma once
// SQL of the destination state several nodes share (ClusterState, and what deleting a
// destination forgets), identical for SQLite and PostgreSQL: placeholders are numbered ?N,
// which the PostgreSQL connection turns into $N (see store/sql/sql_backend.h). The tables are
// here too, for both engines' migrations.

#include <string>

namespace rehook::shared_state_sql {

// Migration: the tables (same types in both dialects).
inline constexpr const char* kCreateTables = R"sql(
  CREATE TABLE destination_pacing (
    destination_id TEXT PRIMARY KEY,
    next_slot BIGINT NOT NULL
  );
  CREATE TABLE destination_circuits (
    destination_id TEXT PRIMARY KEY,
    consecutive_failures BIGINT NOT NULL,
    opened_at BIGINT NOT NULL,
    retry_at BIGINT NOT NULL
  );
)sql";

// ?1 destination, ?2 now, ?3 spacing. One row per destination, updated in place: the row lock
// orders concurrent reservations of several nodes.
inline constexpr const char* kReserveSlot =
    "INSERT INTO destination_pacing (destination_id, next_slot) VALUES (?1, ?2 + ?3) "
    "ON CONFLICT (destination_id) DO UPDATE SET "
    "next_slot = (CASE WHEN destination_pacing.next_slot > ?2 THEN destination_pacing.next_slot "
    "ELSE ?2 END) + ?3 "
    "RETURNING next_slot - ?3";

// ?1 destination, ?2 trailing failures, ?3 saw a success, ?4 threshold, ?5 cool-down, ?6 now.
inline std::string ReportCircuit() {
  // The new run of failures: the trailing ones alone after a success, else added to the old run.
  const std::string run =
      "(CASE WHEN ?3 THEN ?2 ELSE destination_circuits.consecutive_failures + ?2 END)";
  const std::string open_now = "(destination_circuits.retry_at > ?6)";
  return "INSERT INTO destination_circuits (destination_id, consecutive_failures, opened_at, "
         "retry_at) VALUES (?1, ?2, CASE WHEN ?2 >= ?4 THEN ?6 ELSE 0 END, "
         "CASE WHEN ?2 >= ?4 THEN ?6 + ?5 ELSE 0 END) "
         "ON CONFLICT (destination_id) DO UPDATE SET consecutive_failures = " +
         run + ", opened_at = CASE WHEN " + run + " >= ?4 AND NOT " + open_now +
         " THEN ?6 ELSE destination_circuits.opened_at END, retry_at = CASE WHEN " + run +
         " < ?4 THEN 0 WHEN " + open_now + " THEN destination_circuits.retry_at ELSE ?6 + ?5 END " +
         "RETURNING destination_id, consecutive_failures, opened_at, retry_at";
}

inline constexpr const char* kListTroubled =
    "SELECT destination_id, consecutive_failures, opened_at, retry_at FROM destination_circuits "
    "WHERE consecutive_failures > 0 OR retry_at > 0";

// Run when a destination is deleted (?1).
inline constexpr const char* kForgetPacing =
    "DELETE FROM destination_pacing WHERE destination_id = ?1";
inline constexpr const char* kForgetCircuit =
    "DELETE FROM destination_circuits WHERE destination_id = ?1";

}  // namespace rehook::shared_state_sql
