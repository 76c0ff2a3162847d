// When checks are due: phases spread over the interval, retries after failures.
#include "scheduler/timing.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace mtasts::scheduler {
namespace {

using std::chrono::minutes;

TEST(Timing, PhasesSpreadEvenlyOverTheInterval) {
  const Millis interval = minutes(15);
  std::vector<int> buckets(15, 0);  // one per minute
  for (int i = 0; i < 15000; ++i) {
    const auto phase = phase_of(fmt::format("domain{}.example", i), interval);
    ASSERT_GE(phase.count(), 0);
    ASSERT_LT(phase, interval);
    ++buckets[static_cast<std::size_t>(phase / minutes(1))];
  }
  // 1000 per minute expected; a stable hash keeps each within a few percent.
  EXPECT_GT(*std::min_element(buckets.begin(), buckets.end()), 900);
  EXPECT_LT(*std::max_element(buckets.begin(), buckets.end()), 1100);
}

TEST(Timing, NextDueIsAtThePhaseAtLeastHalfAnIntervalLater) {
  const Millis interval = minutes(15);
  for (int i = 0; i < 200; ++i) {
    const std::string domain = fmt::format("d{}.example", i);
    const Millis start(1'800'000'000'000LL + i * 7919);
    const Millis next = next_due(domain, start, interval, Millis(0));
    EXPECT_GE(next, start + interval / 2);
    EXPECT_LT(next, start + interval / 2 + interval);
    EXPECT_EQ(next.count() % interval.count(), phase_of(domain, interval).count());
    // In steady state, exactly one interval apart.
    EXPECT_EQ(next_due(domain, next, interval, Millis(0)), next + interval);
  }
}

TEST(Timing, JitterIsAddedAndBounded) {
  const Millis start(1'800'000'000'000LL);
  EXPECT_EQ(next_due("a.example", start, minutes(15), Millis(1234)) -
                next_due("a.example", start, minutes(15), Millis(0)),
            Millis(1234));
  EXPECT_EQ(max_jitter(minutes(15)), Millis(45000));
  EXPECT_EQ(max_jitter(std::chrono::hours(24)), minutes(1));
}

TEST(Timing, AFailedCheckIsRetriedAfterTheRetryDelay) {
  const Millis start(1'800'000'000'000LL);
  // Interval 1h: the retry (5 min) comes long before the next slot.
  EXPECT_EQ(
      next_due_after_failure("a.example", start, std::chrono::hours(1), minutes(5), Millis(0)),
      start + minutes(5));
  // Interval 1 min: never sooner than the retry delay (RFC 8461 §3.3).
  const Millis next = next_due_after_failure("a.example", start, minutes(1), minutes(5), Millis(0));
  EXPECT_GE(next, start + minutes(5));
}

}  // namespace
}  // namespace mtasts::scheduler
