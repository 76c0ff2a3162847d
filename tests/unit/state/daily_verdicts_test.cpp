// The worst verdict of each of the last 30 days: kept in a few bytes, read back by day.
#include "state/daily_verdicts.hpp"

#include <gtest/gtest.h>

namespace mtasts::state {
namespace {

using probe::Verdict;
constexpr std::time_t kDay = 86400;
constexpr std::time_t kMonday = 1'795'910'400;  // 2026-11-29T00:00:00Z

TEST(DailyVerdicts, KeepsTheWorstOfEachDay) {
  DailyVerdicts days;
  days.add(kMonday + 3600, Verdict::ok);
  days.add(kMonday + 7200, Verdict::fail);
  days.add(kMonday + 9000, Verdict::warning);
  days.add(kMonday + kDay + 10, Verdict::unknown);
  days.add(kMonday + kDay + 20, Verdict::warning);
  EXPECT_EQ(days.on(kMonday), Verdict::fail);
  EXPECT_EQ(days.on(kMonday + kDay + 86399), Verdict::unknown);
  EXPECT_EQ(days.on(kMonday - kDay), std::nullopt);  // no check that day
  EXPECT_EQ(days.on(kMonday + 2 * kDay), std::nullopt);
}

TEST(DailyVerdicts, ForgetsWhatLeavesTheWindow) {
  DailyVerdicts days;
  days.add(kMonday, Verdict::fail);
  days.add(kMonday + 29 * kDay, Verdict::ok);
  EXPECT_EQ(days.on(kMonday), Verdict::fail);  // the 30th day back is still in
  days.add(kMonday + 30 * kDay, Verdict::ok);
  EXPECT_EQ(days.on(kMonday), std::nullopt);
  days.add(kMonday, Verdict::fail);  // a late check of a day that left: ignored
  EXPECT_EQ(days.on(kMonday), std::nullopt);
  days.add(kMonday + 100 * kDay, Verdict::warning);  // a long pause: everything else went
  EXPECT_EQ(days.on(kMonday + 30 * kDay), std::nullopt);
  EXPECT_EQ(days.on(kMonday + 100 * kDay), Verdict::warning);
}

TEST(DailyVerdicts, EncodesAndDecodes) {
  DailyVerdicts days;
  days.add(kMonday, Verdict::warning);
  days.add(kMonday + 2 * kDay, Verdict::fail);
  const std::string text = days.encode();
  EXPECT_EQ(text, "20788:f.w" + std::string(27, '.'));
  const auto back = DailyVerdicts::decode(text);
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(*back, days);
  for (const char* bad :
       {"", "20788",
        "x:"
        "..............................",
        "20788:f", "20788:z.............................", "-1:.............................."}) {
    EXPECT_FALSE(DailyVerdicts::decode(bad)) << bad;
  }
}

}  // namespace
}  // namespace mtasts::state
