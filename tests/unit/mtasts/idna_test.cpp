// Internationalized names as typed: converted to A-labels (IDNA2008, UTS #46), shown as both.
#include "mtasts/idna.hpp"

#include <gtest/gtest.h>

namespace mtasts {
namespace {

TEST(Idna, ULabelsBecomeALabels) {
  struct Case {
    const char* typed;
    const char* ascii;
  };
  for (const auto& c : {Case{"münchen.example", "xn--mnchen-3ya.example"},
                        Case{"MÜNCHEN.example.", "xn--mnchen-3ya.example"},  // case folded
                        Case{"mx.bücher.example", "mx.xn--bcher-kva.example"},
                        Case{"straße.example", "xn--strae-oqa.example"},  // non-transitional
                        Case{"Example.COM.", "example.com"},              // ASCII: lower case
                        Case{"xn--mnchen-3ya.example", "xn--mnchen-3ya.example"}}) {
    const auto n = normalize_domain_input(c.typed);
    ASSERT_TRUE(n) << c.typed << ": " << n.error();
    EXPECT_EQ(*n, c.ascii) << c.typed;
  }
}

TEST(Idna, InvalidNamesGetAClearError) {
  for (const char* bad : {"mün chen.example", "☃\u200d.example", "xn--zz.example", "a..example",
                          "-münchen.example"}) {
    const auto n = normalize_domain_input(bad);
    ASSERT_FALSE(n) << bad;
    EXPECT_FALSE(n.error().empty()) << bad;
  }
  EXPECT_NE(normalize_domain_input("\xff\xfe.example").error().find("internationalized"),
            std::string::npos);
}

TEST(Idna, PeopleReadBothForms) {
  EXPECT_EQ(unicode_form("xn--mnchen-3ya.example"), "münchen.example");
  EXPECT_EQ(display_name("xn--mnchen-3ya.example"), "münchen.example (xn--mnchen-3ya.example)");
  EXPECT_EQ(display_name("example.com"), "example.com");
  EXPECT_EQ(display_name("xn--zz.example"), "xn--zz.example");  // does not convert
}

}  // namespace
}  // namespace mtasts
