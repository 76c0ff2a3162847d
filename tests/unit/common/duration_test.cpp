// Durations in the Prometheus grammar.
#include "common/duration.hpp"

#include <gtest/gtest.h>

namespace mtasts {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, AcceptsThePrometheusGrammar) {
  EXPECT_EQ(parse_duration("0"), 0ms);
  EXPECT_EQ(parse_duration("30s"), 30s);
  EXPECT_EQ(parse_duration("5m"), 5min);
  EXPECT_EQ(parse_duration("1h30m"), 90min);
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("1m500ms"), 60500ms);
  EXPECT_EQ(parse_duration("14d"), 14 * 24h);
  EXPECT_EQ(parse_duration("2w"), 14 * 24h);
  EXPECT_EQ(parse_duration("1y"), 365 * 24h);
}

TEST(ParseDuration, RejectsEverythingElse) {
  for (const char* bad : {"", "s", "30", "1.5s", "-5s", "5 s", "5S", "30m1h", "1s1s", "5x", "1ms1s",
                          "99999999999999999999y"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

TEST(FormatDuration, ShortestForm) {
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(14 * 24h), "14d");
  EXPECT_EQ(format_duration(1500ms), "1s500ms");
}

}  // namespace
}  // namespace mtasts
