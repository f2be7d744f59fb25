#include "store/postgres/pg_days.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/ids.h"
#include "common/log.h"
#include "store/roles/store_error.h"

namespace rehook::pg {
namespace {

// Nodes take turns at making and dropping days (an arbitrary constant next to the migrations').
constexpr const char* kDaysLock = "SELECT pg_advisory_xact_lock(125779421274732)";
// Making or dropping a partition locks its parent table for an instant. Behind a long read of
// the table that instant would become a wait, and every capture would queue behind it: give up
// after a moment instead (the next sweep tries again; days are made ahead of need).
constexpr const char* kShortLockWait = "SET LOCAL lock_timeout = '2s'";

// The three tables partitioned by day, in the order their days are made.
constexpr const char* kEvents = "events";
constexpr const char* kByEventId[] = {"delivery_attempts", "delivery_standings"};
constexpr std::string_view kBeforePrefix = "before_";

// A partition of events: its name's suffix and the times it holds.
struct Day {
  std::string suffix;  // "20261207", or "before_20261208" for the cutover partition
  TimeMs from = 0;     // the cutover partition's is the least time there is
  TimeMs to = 0;
};

std::string DayName(TimeMs day) {
  using namespace std::chrono;
  const year_month_day date{floor<days>(sys_time<milliseconds>(milliseconds(day)))};
  char text[16];
  std::snprintf(text, sizeof text, "%04d%02u%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

std::optional<TimeMs> ParseDayName(std::string_view digits) {
  using namespace std::chrono;
  if (digits.size() != 8 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const int number = std::stoi(std::string(digits));
  const year_month_day date{year{number / 10000}, month{static_cast<unsigned>(number / 100 % 100)},
                            day{static_cast<unsigned>(number % 100)}};
  if (!date.ok()) return std::nullopt;
  return duration_cast<milliseconds>(sys_days(date).time_since_epoch()).count();
}

// The days of events as they are now (not the default partition, nor names rehook did not make).
std::vector<Day> ListDays(Connection& connection) {
  Result result = connection.Exec(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
      "WHERE i.inhparent = 'events'::regclass");
  const std::string prefix = std::string(kEvents) + "_";
  std::vector<Day> days;
  for (int i = 0; i < result.rows(); ++i) {
    const std::string name = result.row(i).Text(0);
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string_view suffix = std::string_view(name).substr(prefix.size());
    if (suffix.substr(0, kBeforePrefix.size()) == kBeforePrefix) {
      if (auto to = ParseDayName(suffix.substr(kBeforePrefix.size()))) {
        days.push_back({std::string(suffix), std::numeric_limits<TimeMs>::min(), *to});
      }
    } else if (auto from = ParseDayName(suffix)) {
      days.push_back({std::string(suffix), *from, *from + kDayMs});
    }
  }
  return days;
}

// `table`'s partition for `day`: events_20261207, delivery_attempts_before_20261208, ...
std::string PartitionOf(const char* table, const Day& day) {
  return std::string(table) + "_" + day.suffix;
}

// The organizations with events in `day`: one descent of the day's (org_id, received_at)
// index per organization (PostgreSQL 15 has no skip scan; DISTINCT would read every entry).
std::vector<std::string> OrganizationsOf(Connection& connection, const Day& day) {
  const std::string table = PartitionOf(kEvents, day);
  Result result = connection.Exec(
      "WITH RECURSIVE orgs(org_id) AS ((SELECT org_id FROM " + table +
      " ORDER BY org_id LIMIT 1) UNION ALL SELECT (SELECT e.org_id FROM " + table +
      " e WHERE e.org_id > orgs.org_id ORDER BY e.org_id LIMIT 1) FROM orgs "
      "WHERE orgs.org_id IS NOT NULL) SELECT org_id FROM orgs WHERE org_id IS NOT NULL");
  return result.ReadAll([](const Row& row) { return row.Text(0); });
}

// The statements that make one day's partition of each table.
std::string MakeDaySql(TimeMs day) {
  const std::string suffix = DayName(day);
  std::string sql = std::string("CREATE TABLE IF NOT EXISTS ") + kEvents + "_" + suffix +
                    " PARTITION OF " + kEvents + " FOR VALUES FROM (" + std::to_string(day) +
                    ") TO (" + std::to_string(day + kDayMs) + ");";
  for (const char* table : kByEventId) {
    sql += std::string("CREATE TABLE IF NOT EXISTS ") + table + "_" + suffix + " PARTITION OF " +
           table + " FOR VALUES FROM ('" + IdTimeBound("evt", day) + "') TO ('" +
           IdTimeBound("evt", day + kDayMs) + "');";
  }
  return sql;
}

}  // namespace

TimeMs DayStart(TimeMs time) { return time - ((time % kDayMs) + kDayMs) % kDayMs; }

void PrepareDays(Connection& connection, TimeMs now, int days_ahead) {
  const std::vector<Day> existing = ListDays(connection);
  TimeMs cutover = std::numeric_limits<TimeMs>::min();
  for (const Day& day : existing) {
    if (day.from == std::numeric_limits<TimeMs>::min()) cutover = std::max(cutover, day.to);
  }
  for (int i = 0; i <= days_ahead; ++i) {
    const TimeMs day = DayStart(now) + i * kDayMs;
    const bool made =
        std::any_of(existing.begin(), existing.end(), [&](const Day& d) { return d.from == day; });
    if (made || day < cutover) continue;
    try {
      Transaction transaction(connection);
      connection.ExecScript(kDaysLock);
      connection.ExecScript(kShortLockWait);
      connection.ExecScript(MakeDaySql(day));
      transaction.Commit();
    } catch (const StoreError& e) {
      // Rows of the day already in the default partition (PostgreSQL refuses the day then), or
      // a lock not had in time: the day's rows go on to the default partition meanwhile.
      log::Warn("store.day_not_made", {{"day", DayName(day)}, {"error", e.what()}});
    }
  }
}

std::int64_t DropExpiredDays(Connection& connection,
                             const std::unordered_map<std::string, TimeMs>& cutoff_by_org) {
  if (cutoff_by_org.empty()) return 0;
  TimeMs earliest = std::numeric_limits<TimeMs>::max();
  TimeMs latest = std::numeric_limits<TimeMs>::min();
  for (const auto& [org, cutoff] : cutoff_by_org) {
    earliest = std::min(earliest, cutoff);
    latest = std::max(latest, cutoff);
  }
  Transaction transaction(connection);
  connection.ExecScript(kDaysLock);
  connection.ExecScript(kShortLockWait);
  auto expired = [&](const Day& day) {
    if (day.to <= earliest) return true;  // every organization's retention has passed it
    if (day.to > latest) return false;    // none has
    for (const std::string& org : OrganizationsOf(connection, day)) {
      auto cutoff = cutoff_by_org.find(org);
      if (cutoff == cutoff_by_org.end() || cutoff->second < day.to) return false;
    }
    return true;
  };
  std::vector<Day> doomed = ListDays(connection);  // under the lock: another node's drops seen
  std::erase_if(doomed, [&](const Day& day) { return !expired(day); });
  if (doomed.empty()) return 0;
  std::int64_t events = 0;
  // What else is kept of those events, in tables that are not partitioned: pending deliveries
  // and single replays by their event ids (which carry the time), dedup keys by the time their
  // event was received (seen_at), each within the days dropped (a day kept between two dropped
  // ones keeps its own). Ids and times are digits and letters: written into the SQL as they are.
  std::string of_event_ids;
  std::string seen_within;
  for (const Day& day : doomed) {
    events += connection.Exec("SELECT count(*) FROM " + PartitionOf(kEvents, day)).row(0).Int64(0);
    const TimeMs from = std::max<TimeMs>(day.from, 0);  // no event was received before 1970
    const std::string separator = of_event_ids.empty() ? "" : " OR ";
    of_event_ids += separator + "(event_id COLLATE \"C\" >= '" + IdTimeBound("evt", from) +
                    "' AND event_id COLLATE \"C\" < '" + IdTimeBound("evt", day.to) + "')";
    seen_within += separator + "(seen_at >= " + std::to_string(from) + " AND seen_at < " +
                   std::to_string(day.to) + ")";
  }
  connection.ExecScript("DELETE FROM delivery_tasks WHERE " + of_event_ids);
  connection.ExecScript("DELETE FROM single_replays WHERE " + of_event_ids);
  connection.ExecScript("DELETE FROM dedup_keys WHERE " + seen_within);
  for (const Day& day : doomed) {
    std::string drop = "DROP TABLE " + PartitionOf(kEvents, day);
    for (const char* table : kByEventId) drop += ", " + PartitionOf(table, day);
    connection.ExecScript(drop);
  }
  transaction.Commit();
  return events;
}

}  // namespace rehook::pg
