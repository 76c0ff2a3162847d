// RFC 3339 times: written by the agent, read from TLS-RPT reports.
#include "common/time.hpp"

#include <gtest/gtest.h>

namespace mtasts {
namespace {

TEST(ParseRfc3339, ReadsUtcAndOffsets) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2016-04-01T00:00:00Z"), 1459468800);
  EXPECT_EQ(parse_rfc3339("2016-04-01T23:59:59Z"), 1459468800 + 86399);
  EXPECT_EQ(parse_rfc3339("2016-04-01t00:00:00z"), 1459468800);
  EXPECT_EQ(parse_rfc3339("2016-04-01 00:00:00Z"), 1459468800);
  EXPECT_EQ(parse_rfc3339("2016-04-01T02:00:00+02:00"), 1459468800);
  EXPECT_EQ(parse_rfc3339("2016-03-31T19:00:00-05:00"), 1459468800);
  EXPECT_EQ(parse_rfc3339("2016-04-01T00:00:00.999Z"), 1459468800);
  EXPECT_EQ(parse_rfc3339("2016-02-29T00:00:00Z"), 1456704000);
}

TEST(ParseRfc3339, RoundTripsWhatTheAgentWrites) {
  EXPECT_EQ(parse_rfc3339(rfc3339(1795000000)), 1795000000);
}

TEST(ParseRfc3339, RejectsWhatIsNotADateTime) {
  for (const char* text :
       {"", "2016-04-01", "2016-04-01T00:00:00", "2016-04-01T00:00Z", "2016-13-01T00:00:00Z",
        "2015-02-29T00:00:00Z", "2016-04-31T00:00:00Z", "2016-04-01T24:00:00Z",
        "2016-04-01T00:60:00Z", "2016-04-01T00:00:00.Z", "2016-04-01T00:00:00+0200",
        "2016-04-01T00:00:00Z ", "2016-04-01X00:00:00Z", "20160401T000000Z", "1459468800",
        "2016-04-01T00:00:00+24:00"}) {
    const auto parsed = parse_rfc3339(text);
    EXPECT_FALSE(parsed) << text;
    if (!parsed) {
      EXPECT_NE(parsed.error().find("RFC 3339"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace mtasts
