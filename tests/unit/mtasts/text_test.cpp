#include "mtasts/text.hpp"

#include <gtest/gtest.h>

namespace mtasts {
namespace {

TEST(Printable, EscapesControlsBackslashAndNonAscii) {
  EXPECT_EQ(printable("ok"), "ok");
  EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(printable("\x1b[31m"), "\\x1b[31m");
  EXPECT_EQ(printable("\\"), "\\\\");
  EXPECT_EQ(printable("\xc3\xa9"), "\\xc3\\xa9");
  EXPECT_EQ(printable("abcdef", 3), "abc...");
  EXPECT_EQ(in_quotes("x"), "\"x\"");
}

TEST(AsciiCase, FoldsOnlyAscii) {
  EXPECT_TRUE(iequals_ascii("MaIl.Example.COM", "mail.example.com"));
  EXPECT_FALSE(iequals_ascii("\xc3\x84", "\xc3\xa4"));
  EXPECT_TRUE(iends_with_ascii("MX.EXAMPLE.com", ".example.COM"));
  EXPECT_FALSE(iends_with_ascii("com", ".example.com"));
  EXPECT_EQ(to_lower_ascii("ABC-1"), "abc-1");
}

TEST(TrimWsp, RemovesSpacesAndTabsOnly) {
  EXPECT_EQ(trim_wsp(" \t a b \t "), "a b");
  EXPECT_EQ(trim_wsp("\n a"), "\n a");
}

}  // namespace
}  // namespace mtasts
