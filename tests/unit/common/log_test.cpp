// Log lines in logfmt and JSON, as Prometheus' exporters write them.
#include "common/log.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace mtasts::log {
namespace {

TEST(Log, Logfmt) {
  EXPECT_EQ(format_line(Format::logfmt, "2026-11-27T10:00:00.000Z", Level::warn, "check finished",
                        {{"domain", "example.com"}, {"findings", "mx_none,policy_timeout"}}),
            "ts=2026-11-27T10:00:00.000Z level=warn msg=\"check finished\" domain=example.com "
            "findings=mx_none,policy_timeout");
}

TEST(Log, LogfmtQuotesWhatNeedsIt) {
  EXPECT_EQ(
      format_line(Format::logfmt, "t", Level::error, "x", {{"err", "a \"b\"\nc=d"}, {"empty", ""}}),
      "ts=t level=error msg=x err=\"a \\\"b\\\"\\nc=d\" empty=\"\"");
}

// A domain's records may carry any bytes; a line that is not UTF-8 is dropped or mangled by
// log shippers that demand it. Well-formed UTF-8 stays as it is, bare when it may be.
TEST(Log, LogfmtIsUtf8) {
  EXPECT_EQ(
      format_line(Format::logfmt, "t", Level::warn, "x",
                  {{"id", "1\xff"}, {"mx", "m\xc3\xbcnchen.test"}, {"cut", "a \xc3"}}),
      "ts=t level=warn msg=x id=\"1\xef\xbf\xbd\" mx=m\xc3\xbcnchen.test cut=\"a \xef\xbf\xbd\"");
}

TEST(Log, Json) {
  const auto line = format_line(Format::json, "t", Level::info, "reloaded", {{"domains", "3"}});
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["level"], "info");
  EXPECT_EQ(json["msg"], "reloaded");
  EXPECT_EQ(json["domains"], "3");
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(Log, LevelsFilter) {
  std::ostringstream out;
  configure(Level::warn, Format::logfmt, &out);
  info("hidden");
  warn("shown");
  configure(Level::info, Format::logfmt, nullptr);
  EXPECT_EQ(out.str().find("hidden"), std::string::npos);
  EXPECT_NE(out.str().find("msg=shown"), std::string::npos);
  EXPECT_EQ(level_from_name("warn"), Level::warn);
  EXPECT_EQ(level_from_name("warning"), std::nullopt);
  EXPECT_EQ(format_from_name("json"), Format::json);
}

}  // namespace
}  // namespace mtasts::log
