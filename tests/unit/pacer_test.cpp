#include "common/pacer.h"

#include <gtest/gtest.h>

#include <deque>

namespace rehook {
namespace {

using namespace std::chrono_literals;

struct Outcome {
  int max_in_window = 0;
  double achieved_per_second = 0;
};

// Simulates a sender that starts as soon as the pacer allows, but whose timer fires late by a
// varying amount (up to `max_lateness`), and checks every one-second window of the actual
// starts.
Outcome Simulate(double rate, std::chrono::microseconds max_lateness, int starts = 3000) {
  Pacer pacer(rate);
  const auto begin = Pacer::TimePoint{} + 1h;
  auto now = begin;
  std::deque<Pacer::TimePoint> window;
  Outcome outcome;
  for (int i = 0; i < starts; ++i) {
    now = std::max(now, pacer.NextStart()) + max_lateness * ((i * 7919) % 13) / 12;
    pacer.Started(now);
    window.push_back(now);
    while (now - window.front() >= 1s) window.pop_front();
    outcome.max_in_window = std::max(outcome.max_in_window, static_cast<int>(window.size()));
  }
  outcome.achieved_per_second = (starts - 1) / std::chrono::duration<double>(now - begin).count();
  return outcome;
}

TEST(PacerTest, NeverMoreThanTheRateInAnyOneSecondWindow) {
  for (double rate : {1.0, 3.0, 7.0, 10.0, 33.0, 100.0}) {
    for (auto lateness : {0us, 300us, 3000us, 20000us}) {
      EXPECT_LE(Simulate(rate, lateness).max_in_window, rate)
          << rate << "/s, late by up to " << lateness.count() << " us";
    }
  }
}

TEST(PacerTest, LateStartsDoNotCostTheRate) {
  // Timers firing up to 3 ms late at 100/s (a 10 ms grid): the grid catches up, and only the
  // window guard (20 ms a second) is lost.
  EXPECT_GE(Simulate(100, 3000us).achieved_per_second, 97.5);
  EXPECT_GE(Simulate(10, 3000us).achieved_per_second, 9.75);
  EXPECT_LE(Simulate(100, 0us).achieved_per_second, 100.0);
}

TEST(PacerTest, ASlowStartIsForgivenNotMadeUpInABurst) {
  Pacer pacer(10);  // 100 ms grid
  auto t = Pacer::TimePoint{} + 1h;
  pacer.Started(t);
  pacer.Started(t + 2s);  // the destination took two seconds
  // One slot of lateness is made up (the next may start at once), not twenty.
  EXPECT_EQ(pacer.NextStart(), t + 2s);
  pacer.Started(t + 2s);
  EXPECT_EQ(pacer.NextStart(), t + 2s + 100ms);
}

TEST(PacerTest, FirstStartIsImmediate) {
  Pacer pacer(5);
  EXPECT_LE(pacer.NextStart(), std::chrono::steady_clock::now());
}

}  // namespace
}  // namespace rehook
