// The state database's JSON writer: what it writes is JSON that nlohmann reads back to the
// same values, whatever bytes the strings hold.
#include "state/json_writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace mtasts::state {
namespace {

using Json = nlohmann::json;

std::string as_json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonWriter, NestsObjectsAndArraysWithTheirCommas) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().member("a", 1).key("list").begin_array();
  w.value("x").begin_object().end_object().begin_array().end_array().null().end_array();
  w.member("b", true).key("empty").begin_object().end_object().end_object();
  EXPECT_EQ(out, R"({"a":1,"list":["x",{},[],null],"b":true,"empty":{}})");
  EXPECT_EQ(Json::parse(out),
            Json::parse(R"({"a":1,"list":["x",{},[],null],"b":true,"empty":{}})"));
}

TEST(JsonWriter, NumbersReadBackExactly) {
  std::string out;
  JsonWriter w(out);
  const double third = 1.0 / 3.0;
  w.begin_array().value(third).value(0.1).value(1e300).value(2.0).value(-0.5);
  w.value(std::numeric_limits<std::int64_t>::min())
      .value(std::numeric_limits<std::uint64_t>::max());
  w.value(std::nan("")).value(std::numeric_limits<double>::infinity()).end_array();
  const auto j = Json::parse(out);
  EXPECT_EQ(j[0].get<double>(), third);
  EXPECT_EQ(j[1].get<double>(), 0.1);
  EXPECT_EQ(j[2].get<double>(), 1e300);
  EXPECT_EQ(j[3].get<double>(), 2.0);
  EXPECT_EQ(j[4].get<double>(), -0.5);
  EXPECT_EQ(j[5].get<std::int64_t>(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(j[6].get<std::uint64_t>(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_TRUE(j[7].is_null());  // JSON has no NaN or infinity
  EXPECT_TRUE(j[8].is_null());
}

TEST(JsonWriter, EscapesWhatJsonRequires) {
  EXPECT_EQ(as_json_string("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(as_json_string("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(as_json_string(std::string_view("\x01\x1f\x00", 3)), R"("\u0001\u001f\u0000")");
  EXPECT_EQ(as_json_string("\x7f/"), "\"\x7f/\"");
  const std::string text("\x01\"\\\n\x7f tab\t end", 15);
  EXPECT_EQ(Json::parse(as_json_string(text)).get<std::string>(), text);
}

TEST(JsonWriter, KeepsUtf8AndReplacesEveryByteThatIsNot) {
  const std::string unicode = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xAC";  // café € 📬
  EXPECT_EQ(as_json_string(unicode), "\"" + unicode + "\"");
  const std::string replacement = "\xEF\xBF\xBD";
  const struct {
    std::string bytes, expected;
  } cases[] = {
      {"\xFF", replacement},
      {"a\x80z", "a" + replacement + "z"},                        // a lone continuation byte
      {"\xE2\x82", replacement + replacement},                    // a sequence cut short
      {"\xC0\xAF", replacement + replacement},                    // an overlong '/'
      {"\xED\xA0\x80", replacement + replacement + replacement},  // a surrogate
      {"\xF4\x90\x80\x80", replacement + replacement + replacement + replacement},  // > U+10FFFF
      {"ok \xC3\xA9 \xFE then \xC3\xA9", "ok \xC3\xA9 " + replacement + " then \xC3\xA9"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.bytes);
    const auto parsed = Json::parse(as_json_string(c.bytes));  // throws on invalid UTF-8
    EXPECT_EQ(parsed.get<std::string>(), c.expected);
  }
}

}  // namespace
}  // namespace mtasts::state
