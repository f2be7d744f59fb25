#include "store/sql/time_windows.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <utility>
#include <vector>

namespace rehook::sql {
namespace {

constexpr TimeMs kDay = 86'400'000;
const TimeWindows kWindows{kDay, 64 * kDay};

// A listing's rows of [lower, upper] (open where absent), as the store's reads give them.
std::vector<TimeMs> Select(const std::vector<TimeMs>& times, std::optional<TimeMs> lower,
                           std::optional<TimeMs> upper, int limit, bool newest_first) {
  std::vector<TimeMs> rows;
  for (TimeMs t : times) {
    if ((!lower || t >= *lower) && (!upper || t <= *upper)) rows.push_back(t);
  }
  std::sort(rows.begin(), rows.end());
  if (newest_first) std::reverse(rows.begin(), rows.end());
  if (static_cast<int>(rows.size()) > limit) rows.resize(static_cast<std::size_t>(limit));
  return rows;
}

// Read in windows, each listing is what one query over the whole range gives: checked over
// many stores (times on or next to the windows' edges, up to 400 days back), ranges (`to` up
// to 100 days after the anchor) and page sizes.
TEST(TimeWindowsTest, ReadsWhatOneQueryReadsInBothDirections) {
  std::mt19937_64 random(7);
  const TimeMs anchor = 1'800'000'000'000;
  for (int round = 0; round < 500; ++round) {
    std::vector<TimeMs> times;
    const int count = static_cast<int>(random() % 60);
    const auto days = 1 + random() % 400;
    for (int i = 0; i < count; ++i) {
      // Whole days from the anchor, give or take a millisecond: on the windows' edges.
      const TimeMs edge = anchor - static_cast<TimeMs>(random() % days) * kDay;
      times.push_back(edge + static_cast<TimeMs>(random() % 3) - 1);
    }
    const int limit = 1 + static_cast<int>(random() % 20);
    std::optional<TimeMs> from;
    std::optional<TimeMs> to;
    if (random() % 2) from = anchor - static_cast<TimeMs>(random() % 500) * kDay;
    if (random() % 2) to = anchor + (static_cast<TimeMs>(random() % 400) - 300) * kDay;
    int reads = 0;
    const auto newest = [&](std::optional<TimeMs> lower, std::optional<TimeMs> upper, int n) {
      ++reads;
      return Select(times, lower, upper, n, true);
    };
    EXPECT_EQ(ReadNewestFirst<TimeMs>(kWindows, anchor, from, to, limit, newest),
              Select(times, from, to, limit, true))
        << "round " << round;
    EXPECT_LE(reads, 7);

    const TimeMs lower = from.value_or(anchor - 450 * kDay);
    const TimeMs upper = to.value_or(anchor);
    const auto oldest = [&](TimeMs low, TimeMs high, int n) {
      return Select(times, low, high, n, false);
    };
    EXPECT_EQ(ReadOldestFirst<TimeMs>(kWindows, lower, upper, limit, oldest),
              Select(times, lower, upper, limit, false))
        << "round " << round;
  }
}

// A busy store fills its page from the first window; an empty one reads windows of one day,
// then two, four, ... 32 days, and then the rest of the range in one read.
TEST(TimeWindowsTest, WidensUntilThePageIsFull) {
  const TimeMs anchor = 1'800'000'000'000;
  std::vector<std::pair<std::optional<TimeMs>, std::optional<TimeMs>>> windows;
  const auto record = [&](std::optional<TimeMs> lower, std::optional<TimeMs> upper, int) {
    windows.emplace_back(lower, upper);
    return std::vector<TimeMs>{};
  };
  ReadNewestFirst<TimeMs>(kWindows, anchor, std::nullopt, std::nullopt, 10, record);
  ASSERT_EQ(windows.size(), 7u);
  EXPECT_EQ(windows[0], std::make_pair(std::optional(anchor - kDay + 1), std::optional<TimeMs>()));
  EXPECT_EQ(windows[1],
            std::make_pair(std::optional(anchor - 3 * kDay + 1), std::optional(anchor - kDay)));
  EXPECT_EQ(windows[6], std::make_pair(std::optional<TimeMs>(), std::optional(anchor - 63 * kDay)));

  windows.clear();
  const auto busy = [&](std::optional<TimeMs> lower, std::optional<TimeMs> upper, int limit) {
    windows.emplace_back(lower, upper);
    return std::vector<TimeMs>(static_cast<std::size_t>(limit), anchor);
  };
  EXPECT_EQ(ReadNewestFirst<TimeMs>(kWindows, anchor, std::nullopt, std::nullopt, 10, busy).size(),
            10u);
  EXPECT_EQ(windows.size(), 1u);

  // A `to` a year ahead: the first window still reaches down from the anchor, up to `to`.
  windows.clear();
  const std::optional<TimeMs> year_ahead = anchor + 365 * kDay;
  ReadNewestFirst<TimeMs>(kWindows, anchor, std::nullopt, year_ahead, 10, busy);
  ASSERT_EQ(windows.size(), 1u);
  EXPECT_EQ(windows[0], std::make_pair(std::optional(anchor - kDay + 1), year_ahead));
}

}  // namespace
}  // namespace rehook::sql
