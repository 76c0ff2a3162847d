// Reading TXT data as dig prints it: RFC 1035 §5.1 character-strings, concatenated
// as RFC 8461 §3.1 says senders join the strings of one record.
#include "mtasts/txt_presentation.hpp"

#include <gtest/gtest.h>

namespace mtasts {
namespace {

TEST(ReadTxtPresentation, UnquotedTextIsTakenAsIs) {
  const auto t = read_txt_presentation("v=STSv1; id=1");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(*t, "v=STSv1; id=1");
}

TEST(ReadTxtPresentation, ConcatenatesStringsWithoutSpaces) {
  const auto t = read_txt_presentation("\"v=STSv1; \" \"id=20190429T010101;\"");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(*t, "v=STSv1; id=20190429T010101;");
}

TEST(ReadTxtPresentation, Escapes) {
  const auto t = read_txt_presentation(R"("a\"b\\c\059d\000")");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(*t, std::string("a\"b\\c;d\0", 8));
}

TEST(ReadTxtPresentation, Errors) {
  EXPECT_FALSE(read_txt_presentation("\"unterminated").has_value());
  EXPECT_FALSE(read_txt_presentation("\"a\" b").has_value());
  EXPECT_FALSE(read_txt_presentation(R"("\256")").has_value());
  EXPECT_FALSE(read_txt_presentation("\"ends with backslash\\").has_value());
}

}  // namespace
}  // namespace mtasts
