#include "common/pacer.h"

#include <gtest/gtest.h>

#include <deque>

namespace rehook {
namespace {

using namespace std::chrono_literals;

// Simulates a sender that starts as soon as the pacer allows, but whose timer fires late by a
// varying amount, and checks every one-second window of the actual starts.
int MaxStartsInAnyWindow(double rate, std::chrono::microseconds max_lateness) {
  Pacer pacer(rate);
  auto now = Pacer::TimePoint{} + 1h;
  std::deque<Pacer::TimePoint> window;
  int max_in_window = 0;
  for (int i = 0; i < 2000; ++i) {
    now = std::max(now, pacer.NextStart()) + max_lateness * ((i * 7919) % 13) / 12;
    pacer.Started(now);
    window.push_back(now);
    while (now - window.front() >= 1s) window.pop_front();
    max_in_window = std::max(max_in_window, static_cast<int>(window.size()));
  }
  return max_in_window;
}

TEST(PacerTest, NeverMoreThanTheRateInAnyOneSecondWindow) {
  for (double rate : {1.0, 3.0, 7.0, 10.0, 33.0, 100.0}) {
    EXPECT_LE(MaxStartsInAnyWindow(rate, 0us), rate) << rate;
    EXPECT_LE(MaxStartsInAnyWindow(rate, 3000us), rate) << rate;
  }
}

TEST(PacerTest, SpacingIsCloseToTheRate) {
  // The margin costs at most a few percent of the rate.
  EXPECT_GE(Pacer(100).spacing(), 10ms);
  EXPECT_LE(Pacer(100).spacing(), 10300us);
  EXPECT_GE(Pacer(3).spacing(), 333334us);
}

TEST(PacerTest, FirstStartIsImmediate) {
  Pacer pacer(5);
  EXPECT_LE(pacer.NextStart(), std::chrono::steady_clock::now());
}

}  // namespace
}  // namespace rehook
