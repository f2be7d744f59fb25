#pragma once
// Reading a listing ordered by time in windows of time. PostgreSQL keeps events in a partition
// per day, and one query over a range of many days opens every day's index even to fill one
// page (bench/pg_days.sh: 30 days made the newest page and a cursor page 1.6 times slower, their
// p99 3 to 6 times). So a listing is read in windows: the one where it starts, then windows twice
// as long as the one before, until the page is full or the range is covered. A busy store fills
// its page from the first window (a day or two of partitions); a quiet one reads a few more,
// each pruned to its own days.

#include <algorithm>
#include <cassert>
#include <iterator>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace rehook::sql {

struct TimeWindows {
  TimeMs first = 0;   // the first window's length (> 0)
  TimeMs widest = 0;  // when the next window would be this long, the rest goes in one read
};

// Rows of [from, to] (inclusive; either open) newest first. A window reads its rows with
// read(lower, upper, limit) -> std::vector<Row>, in the listing's order. The first window reaches
// down `windows.first` from `anchor` (a recent time) or from `to` if that is earlier, and up to
// `to` (open if absent): the events after the anchor are in it, however many, and a `to` far in
// the future does not cost a series of empty windows.
template <class Row, class Read>
std::vector<Row> ReadNewestFirst(const TimeWindows& windows, TimeMs anchor,
                                 std::optional<TimeMs> from, std::optional<TimeMs> to, int limit,
                                 Read read) {
  assert(windows.first > 0);
  std::vector<Row> rows;
  std::optional<TimeMs> upper = to;
  TimeMs top = to ? std::min(*to, anchor) : anchor;
  for (TimeMs span = windows.first;; span *= 2) {
    const bool last = span >= windows.widest || top < std::numeric_limits<TimeMs>::min() + span ||
                      (from && top - span < *from);
    const std::optional<TimeMs> lower = last ? from : std::optional<TimeMs>(top - span + 1);
    std::vector<Row> found = read(lower, upper, limit - static_cast<int>(rows.size()));
    rows.insert(rows.end(), std::make_move_iterator(found.begin()),
                std::make_move_iterator(found.end()));
    if (last || static_cast<int>(rows.size()) >= limit) return rows;
    top = *lower - 1;
    upper = top;
  }
}

// Rows of [from, to] (inclusive) oldest first, windows reaching up from `from`.
template <class Row, class Read>
std::vector<Row> ReadOldestFirst(const TimeWindows& windows, TimeMs from, TimeMs to, int limit,
                                 Read read) {
  assert(windows.first > 0);
  std::vector<Row> rows;
  TimeMs lower = from;
  for (TimeMs span = windows.first;; span *= 2) {
    const bool last = span >= windows.widest || lower > std::numeric_limits<TimeMs>::max() - span ||
                      lower + span > to;
    const TimeMs upper = last ? to : lower + span - 1;
    std::vector<Row> found = read(lower, upper, limit - static_cast<int>(rows.size()));
    rows.insert(rows.end(), std::make_move_iterator(found.begin()),
                std::make_move_iterator(found.end()));
    if (last || static_cast<int>(rows.size()) >= limit) return rows;
    lower = upper + 1;
  }
}

}  // namespace rehook::sql
