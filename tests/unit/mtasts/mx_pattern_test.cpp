// RFC 8461 §4.1: matching MX host names against the policy's mx patterns.
#include "mtasts/mx_pattern.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mtasts {
namespace {

struct MatchCase {
  const char* name;
  const char* pattern;
  const char* host;
  bool matches;
};

std::ostream& operator<<(std::ostream& os, const MatchCase& c) {
  return os << c.name;
}

class MxMatchTable : public ::testing::TestWithParam<MatchCase> {};

TEST_P(MxMatchTable, MatchesAsRfc8461Section41Says) {
  const MatchCase& c = GetParam();
  EXPECT_EQ(mx_pattern_matches(c.pattern, c.host), c.matches)
      << "pattern " << c.pattern << " host " << c.host;
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Rfc8461, MxMatchTable,
    ::testing::Values(
        MatchCase{"Exact", "mail.example.com", "mail.example.com", true},
        // The three examples of §4.1.
        MatchCase{"WildcardOneLabel", "*.example.com", "mail.example.com", true},
        MatchCase{"WildcardNotTheParent", "*.example.com", "example.com", false},
        MatchCase{"WildcardNotTwoLabelsDeep", "*.example.com", "foo.bar.example.com", false},
        // Case-insensitive, and a trailing dot on the host (as in MX RDATA) is ignored.
        MatchCase{"UppercaseHost", "mail.example.com", "MAIL.EXAMPLE.COM", true},
        MatchCase{"UppercasePattern", "MAIL.Example.com", "mail.example.com", true},
        MatchCase{"UppercaseWildcardHost", "*.example.com", "MX1.EXAMPLE.COM", true},
        MatchCase{"HostTrailingDot", "mail.example.com", "mail.example.com.", true},
        MatchCase{"WildcardHostTrailingDot", "*.example.com", "mx.example.com.", true},
        MatchCase{"HostTwoTrailingDots", "mail.example.com", "mail.example.com..", false},
        MatchCase{"OtherHost", "mail.example.com", "mail2.example.com", false},
        MatchCase{"SuffixIsNotAMatch", "example.com", "mail.example.com", false},
        MatchCase{"HostLongerToTheRight", "mail.example.com", "mail.example.com.evil.org", false},
        MatchCase{"WildcardNeedsLabelBoundary", "*.example.com", "mailexample.com", false},
        MatchCase{"WildcardEmptyLabel", "*.example.com", ".example.com", false},
        MatchCase{"WildcardLiteralStarHost", "*.example.com", "*.example.com", false},
        MatchCase{"EmptyHost", "mail.example.com", "", false},
        MatchCase{"EmptyHostDotOnly", "*.example.com", ".", false},
        MatchCase{"EmptyPattern", "", "mail.example.com", false},
        // Patterns the policy parser rejects never match.
        MatchCase{"InnerWildcardPattern", "mail.*.example.com", "mail.x.example.com", false},
        MatchCase{"PartialWildcardPattern", "*mail.example.com", "xmail.example.com", false},
        MatchCase{"PatternTrailingDot", "mail.example.com.", "mail.example.com", false},
        // Found by fuzz_mx_pattern: an invalid pattern matched an identical host.
        MatchCase{"InvalidPatternEqualToHost", "~", "~", false},
        MatchCase{"UnderscorePatternEqualToHost", "mail_1.example.com", "mail_1.example.com", false}),
    [](const auto& param_info) { return std::string(param_info.param.name); });
// clang-format on

TEST(MxCoverage, ReportsFirstMatchingPatternPerHost) {
  const std::vector<std::string> patterns{"mail.example.com", "*.example.net", "*.example.com"};
  const std::vector<std::string> hosts{"MAIL.example.com.", "mx1.example.net", "a.b.example.net"};
  const auto rows = mx_coverage(patterns, hosts);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].pattern, "mail.example.com");
  EXPECT_EQ(rows[1].pattern, "*.example.net");
  EXPECT_EQ(rows[2].pattern, std::nullopt);
  EXPECT_EQ(rows[0].host, "MAIL.example.com.");
}

TEST(MxCoverage, UnusedPatternsInPolicyOrder) {
  const std::vector<std::string> patterns{"old.example.com", "*.example.net", "backup.example.org"};
  const std::vector<std::string> hosts{"mx.example.net"};
  EXPECT_THAT(unused_patterns(patterns, hosts),
              ::testing::ElementsAre("old.example.com", "backup.example.org"));
}

TEST(ValidateMxPattern, WildcardOnlyAsWholeLeftmostLabel) {
  EXPECT_TRUE(validate_mx_pattern("*.example.com"));
  EXPECT_FALSE(validate_mx_pattern("*"));
  EXPECT_FALSE(validate_mx_pattern("*."));
  EXPECT_FALSE(validate_mx_pattern("*.*.example.com"));
  EXPECT_FALSE(validate_mx_pattern("a*.example.com"));
  EXPECT_FALSE(validate_mx_pattern("*a.example.com"));
  EXPECT_FALSE(validate_mx_pattern("mail.*"));
}

}  // namespace
}  // namespace mtasts
