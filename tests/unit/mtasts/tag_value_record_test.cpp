// The key=value;... grammar shared by RFC 8461 §3.1 and RFC 8460 §3.
#include "mtasts/tag_value_record.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mtasts {
namespace {

TEST(SplitTagValueRecord, SplitsFieldsAndStripsDelimiterWhitespace) {
  const auto s = split_tag_value_record("v=STSv1 ;\tid=1 ; a=b=c;");
  ASSERT_TRUE(s) << s.error();
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ((*s)[0].name, "v");
  EXPECT_EQ((*s)[0].value, "STSv1");
  EXPECT_EQ((*s)[1].value, "1");
  EXPECT_EQ((*s)[2].name, "a");
  EXPECT_EQ((*s)[2].value, "b=c");  // values are checked by each field's own rule
}

TEST(SplitTagValueRecord, RejectsWhatTheGrammarDoesNotAllow) {
  for (const char* text : {"", " v=1", "v=1;;a=b", ";v=1", "v=1; a=b ", "v=1; a", "v=1; =b",
                           "v=1; a b=c", "v=1; a=\x01", "v=1; \xc3\xa9=1"}) {
    EXPECT_FALSE(split_tag_value_record(text).has_value()) << text;
  }
}

TEST(SplitTagValueRecord, FieldNamesUpTo32Characters) {
  EXPECT_TRUE(split_tag_value_record("v=1; " + std::string(32, 'n') + "=x").has_value());
  EXPECT_FALSE(split_tag_value_record("v=1; " + std::string(33, 'n') + "=x").has_value());
}

TEST(BeginsWithVersion, FollowsErratum6285) {
  EXPECT_TRUE(begins_with_version("v=STSv1;id=1", "v=STSv1"));
  EXPECT_TRUE(begins_with_version("v=STSv1 ; id=1", "v=STSv1"));
  // "records that do not begin with v=STSv1; are discarded" (§3.1): the ';' is required.
  EXPECT_FALSE(begins_with_version("v=STSv1", "v=STSv1"));
  EXPECT_FALSE(begins_with_version("v=STSv10; id=1", "v=STSv1"));
  EXPECT_FALSE(begins_with_version("v=STSv1 id=1", "v=STSv1"));
  EXPECT_FALSE(begins_with_version(" v=STSv1; id=1", "v=STSv1"));
  EXPECT_FALSE(begins_with_version("V=STSv1; id=1", "v=STSv1"));
}

TEST(IsExtensionValue, ExcludesSpaceEqualsSemicolonAndControls) {
  EXPECT_TRUE(is_extension_value("a:b/c!~"));
  EXPECT_FALSE(is_extension_value(""));
  EXPECT_FALSE(is_extension_value("a b"));
  EXPECT_FALSE(is_extension_value("a=b"));
  EXPECT_FALSE(is_extension_value("a;b"));
  EXPECT_FALSE(is_extension_value("a\x7f"));
  EXPECT_FALSE(is_extension_value("\xc3\xa9"));
}

}  // namespace
}  // namespace mtasts
