#pragma once
// PostgreSQL keeps events, their attempts and their standings in one partition per UTC day of
// the events' received_at (schema 15), so that retention drops a day of all three at once
// instead of deleting rows, and a day's indexes stay the size of a day. Events are partitioned
// by received_at, attempts and standings by event id (whose first characters carry that time:
// common/ids.h). Names say the day: events_20261207, delivery_attempts_20261207, ... The tables
// as they were before schema 15 are the partitions events_before_<cutover day> (every time
// before that day), and a default partition of each table takes rows of a day not made yet.
//
// Every node runs these (from the retention sweeper); an advisory lock makes them take turns,
// and a lock timeout keeps one from queueing capture behind a long read of the table.

#include <cstdint>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "store/postgres/pg_connection.h"

namespace rehook::pg {

inline constexpr TimeMs kDayMs = 24LL * 60 * 60 * 1000;

// The start (UTC midnight) of the day `time` falls in.
TimeMs DayStart(TimeMs time);

// Makes the partitions of the day of `now` and of the `days_ahead` days after it that do not
// exist yet (days the cutover partition covers are skipped). A day whose rows already went to
// the default partition is left there and logged.
void PrepareDays(Connection& connection, TimeMs now, int days_ahead);

// Drops the days (the cutover partition too) whose events all belong to organizations whose
// cutoff in `cutoff_by_org` is at or after the day's end (EventLog::DropExpiredDays), with what
// else is recorded of their events (pending deliveries, single replays, dedup keys), in one
// transaction; returns the events they held.
std::int64_t DropExpiredDays(Connection& connection,
                             const std::unordered_map<std::string, TimeMs>& cutoff_by_org);

}  // namespace rehook::pg
