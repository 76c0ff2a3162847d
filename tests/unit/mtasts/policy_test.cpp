// RFC 8461 §3.2: the policy file.
#include "mtasts/policy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace mtasts {
namespace {

using ::mtasts::support::codes;
using ::testing::ElementsAreArray;

struct PolicyCase {
  const char* name;
  std::string body;
  bool valid;
  std::optional<Mode> mode;
  std::optional<std::uint64_t> max_age;
  std::vector<std::string> mx;
  std::vector<std::string> codes;  // sorted
};

std::ostream& operator<<(std::ostream& os, const PolicyCase& c) {
  return os << c.name;
}

// The example policy of RFC 8461 §3.2.
const std::string kRfcExampleCrlf =
    "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
    "mx: backupmx.example.com\r\nmax_age: 604800\r\n";
const std::vector<std::string> kRfcMx = {"mail.example.com", "*.example.net",
                                         "backupmx.example.com"};

std::string crlf(std::string_view middle) {
  return "version: STSv1\r\n" + std::string(middle) + "\r\n";
}
std::string enforce_with(std::string_view extra) {
  return crlf("mode: enforce\r\nmax_age: 604800\r\n" + std::string(extra));
}
std::string with_mx(std::string_view mx_value) {
  return enforce_with("mx: " + std::string(mx_value));
}

class PolicyTable : public ::testing::TestWithParam<PolicyCase> {};

TEST_P(PolicyTable, GivesTheRfcVerdict) {
  const PolicyCase& c = GetParam();
  const Policy p = parse_policy(c.body, "mta-sts.example.com");
  EXPECT_EQ(p.valid, c.valid);
  EXPECT_EQ(p.mode, c.mode);
  EXPECT_EQ(p.max_age, c.max_age);
  EXPECT_THAT(p.mx, ElementsAreArray(c.mx));
  EXPECT_THAT(codes(p.findings), ElementsAreArray(c.codes));
}

using enum Mode;
const std::vector<std::string> kMail = {"mail.example.com"};
const auto kNoMode = std::optional<Mode>();
const auto kNoAge = std::optional<std::uint64_t>();

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Rfc8461, PolicyTable,
    ::testing::Values(
        PolicyCase{"RfcExampleCrlf", kRfcExampleCrlf, true, enforce, 604800, kRfcMx, {}},
        PolicyCase{"RfcExampleLf",
                   "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\n"
                   "mx: backupmx.example.com\nmax_age: 604800\n",
                   true, enforce, 604800, kRfcMx, {"policy_lf_line_endings"}},
        PolicyCase{"NoFinalTerminator", "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800",
                   true, enforce, 604800, kMail, {}},
        PolicyCase{"AnyFieldOrder", "max_age: 604800\r\nmx: mail.example.com\r\nmode: enforce\r\nversion: STSv1\r\n",
                   true, enforce, 604800, kMail, {}},
        PolicyCase{"NoSpaceAfterColon", "version:STSv1\r\nmode:enforce\r\nmx:mail.example.com\r\nmax_age:604800\r\n",
                   true, enforce, 604800, kMail, {}},
        PolicyCase{"TabsAndSpacesAfterColonAndAtEnd", "version:\t STSv1 \r\nmode:   enforce\t\r\nmx: mail.example.com  \r\nmax_age: 604800\r\n",
                   true, enforce, 604800, kMail, {}},
        PolicyCase{"MixedLineEndings", "version: STSv1\r\nmode: enforce\nmx: mail.example.com\r\nmax_age: 604800\n",
                   true, enforce, 604800, kMail, {"policy_lf_line_endings"}},
        PolicyCase{"UppercaseMxPattern", with_mx("MAIL.Example.COM"), true, enforce, 604800, {"MAIL.Example.COM"}, {}},
        PolicyCase{"IdnALabel", with_mx("xn--mnchen-3ya.example"), true, enforce, 604800, {"xn--mnchen-3ya.example"}, {}},
        // Modes (§5) and the mx requirement.
        PolicyCase{"ModeTesting", crlf("mode: testing\r\nmx: mail.example.com\r\nmax_age: 604800"),
                   true, testing, 604800, kMail, {"policy_mode_testing"}},
        PolicyCase{"RemovalModeNoneWithoutMxSection83", crlf("mode: none\r\nmax_age: 86400"),
                   true, none, 86400, {}, {"policy_mode_none"}},
        PolicyCase{"ModeEnforcing", crlf("mode: enforcing\r\nmx: mail.example.com\r\nmax_age: 604800"),
                   false, kNoMode, 604800, kMail, {"policy_mode_invalid"}},
        PolicyCase{"ModeCapitalised", crlf("mode: Enforce\r\nmx: mail.example.com\r\nmax_age: 604800"),
                   false, kNoMode, 604800, kMail, {"policy_mode_invalid"}},
        PolicyCase{"ModeEmpty", crlf("mode:\r\nmx: mail.example.com\r\nmax_age: 604800"),
                   false, kNoMode, 604800, kMail, {"policy_mode_invalid"}},
        PolicyCase{"ModeMissing", crlf("mx: mail.example.com\r\nmax_age: 604800"),
                   false, kNoMode, 604800, kMail, {"policy_mode_invalid"}},
        PolicyCase{"MxMissingUnderEnforce", enforce_with(""), false, enforce, 604800, {}, {"policy_empty_line", "policy_mx_missing"}},
        PolicyCase{"MxMissingUnderTesting", crlf("mode: testing\r\nmax_age: 604800"),
                   false, testing, 604800, {}, {"policy_mode_testing", "policy_mx_missing"}},
        // version
        PolicyCase{"VersionMissing", "mode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
                   false, enforce, 604800, kMail, {"policy_version"}},
        PolicyCase{"VersionWrong", "version: STSv2\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
                   false, enforce, 604800, kMail, {"policy_version"}},
        PolicyCase{"VersionLowercase", "version: stsv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
                   false, enforce, 604800, kMail, {"policy_version"}},
        // max_age: 1*10(DIGIT), at most 31557600.
        PolicyCase{"MaxAgeAtMaximum", crlf("mode: enforce\r\nmx: mail.example.com\r\nmax_age: 31557600"),
                   true, enforce, 31557600, kMail, {}},
        PolicyCase{"MaxAgeAboveMaximum", crlf("mode: enforce\r\nmx: mail.example.com\r\nmax_age: 31557601"),
                   false, enforce, kNoAge, kMail, {"policy_max_age_invalid"}},
        PolicyCase{"MaxAgeTenDigitsLeadingZeros", crlf("mode: enforce\r\nmx: mail.example.com\r\nmax_age: 0000604800"),
                   true, enforce, 604800, kMail, {}},
        PolicyCase{"MaxAgeElevenDigits", crlf("mode: enforce\r\nmx: mail.example.com\r\nmax_age: 00000604800"),
                   false, enforce, kNoAge, kMail, {"policy_max_age_invalid"}},
        PolicyCase{"MaxAgeNegative", crlf("mode: enforce\r\nmx: mail.example.com\r\nmax_age: -1"),
                   false, enforce, kNoAge, kMail, {"policy_max_age_invalid"}},
        PolicyCase{"MaxAgePlusSign", crlf("mode: enforce\r\nmx: mail.example.com\r\nmax_age: +604800"),
                   false, enforce, kNoAge, kMail, {"policy_max_age_invalid"}},
        PolicyCase{"MaxAgeExponent", crlf("mode: enforce\r\nmx: mail.example.com\r\nmax_age: 6e5"),
                   false, enforce, kNoAge, kMail, {"policy_max_age_invalid"}},
        PolicyCase{"MaxAgeWithUnit", crlf("mode: enforce\r\nmx: mail.example.com\r\nmax_age: 7d"),
                   false, enforce, kNoAge, kMail, {"policy_max_age_invalid"}},
        PolicyCase{"MaxAgeMissing", crlf("mode: enforce\r\nmx: mail.example.com"),
                   false, enforce, kNoAge, kMail, {"policy_max_age_invalid"}},
        PolicyCase{"MaxAgeZeroUnderEnforce", crlf("mode: enforce\r\nmx: mail.example.com\r\nmax_age: 0"),
                   true, enforce, 0, kMail, {"policy_max_age_short"}},
        PolicyCase{"MaxAgeDayUnderTesting", crlf("mode: testing\r\nmx: mail.example.com\r\nmax_age: 86400"),
                   true, testing, 86400, kMail, {"policy_max_age_short", "policy_mode_testing"}},
        // mx values: ["*."] Domain (§3.2) and the pitfalls operators hit.
        PolicyCase{"MxWildcard", with_mx("*.example.com"), true, enforce, 604800, {"*.example.com"}, {}},
        PolicyCase{"MxIpv4Literal", with_mx("192.0.2.1"), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxBracketedLiteral", with_mx("[192.0.2.1]"), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxIpv6Literal", with_mx("2001:db8::25"), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxEmptyLabel", with_mx("mail..example.com"), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxTrailingDot", with_mx("mail.example.com."), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxUnderscore", with_mx("mail_1.example.com"), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxTwoWildcards", with_mx("*.*.example.com"), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxInnerWildcard", with_mx("mail.*.example.com"), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxPartialWildcard", with_mx("*mail.example.com"), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxBareStar", with_mx("*"), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxULabel", with_mx("m\xc3\xbcnchen.example"), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxLeadingHyphen", with_mx("-mail.example.com"), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxEmpty", with_mx(""), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxWithSpaceInside", with_mx("mail example.com"), false, enforce, 604800, {}, {"policy_mx_invalid"}},
        PolicyCase{"MxOneBadOneGood", enforce_with("mx: mail.example.com\r\nmx: 192.0.2.1"), false, enforce, 604800, kMail, {"policy_mx_invalid"}},
        // Duplicates (first wins except mx) and unknown fields (ignored).
        PolicyCase{"DuplicateModeFirstWins", crlf("mode: testing\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800"),
                   true, testing, 604800, kMail, {"policy_duplicate_field", "policy_mode_testing"}},
        PolicyCase{"DuplicateModeFirstInvalid", crlf("mode: enforcing\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800"),
                   false, kNoMode, 604800, kMail, {"policy_duplicate_field", "policy_mode_invalid"}},
        PolicyCase{"DuplicateMaxAge", crlf("mode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\nmax_age: 1"),
                   true, enforce, 604800, kMail, {"policy_duplicate_field"}},
        PolicyCase{"UnknownFieldKept", with_mx("mail.example.com\r\nowner: postmaster@example.com"),
                   true, enforce, 604800, kMail, {"policy_unknown_field"}},
        PolicyCase{"UnknownFieldUtf8Value", with_mx("mail.example.com\r\nnote: gr\xc3\xbc\xc3\x9f" "e"),
                   true, enforce, 604800, kMail, {"policy_unknown_field"}},
        PolicyCase{"CapitalisedFieldNameIsUnknown", crlf("Mode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800"),
                   false, kNoMode, 604800, kMail, {"policy_mode_invalid", "policy_unknown_field"}},
        // Syntax (the ABNF of §3.2).
        PolicyCase{"EmptyBody", "", false, kNoMode, kNoAge, {}, {"policy_syntax"}},
        PolicyCase{"OnlyNewline", "\n", false, kNoMode, kNoAge, {},
                   {"policy_empty_line", "policy_lf_line_endings", "policy_max_age_invalid", "policy_mode_invalid", "policy_mx_missing", "policy_version"}},
        PolicyCase{"SpaceBeforeColon", crlf("mode : enforce\r\nmx: mail.example.com\r\nmax_age: 604800"),
                   false, kNoMode, 604800, kMail, {"policy_mode_invalid", "policy_syntax"}},
        PolicyCase{"LeadingWhitespace", crlf(" mode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800"),
                   false, kNoMode, 604800, kMail, {"policy_mode_invalid", "policy_syntax"}},
        PolicyCase{"LineWithoutColon", with_mx("mail.example.com\r\nhello"),
                   false, enforce, 604800, kMail, {"policy_syntax"}},
        PolicyCase{"EmptyLineInside", "version: STSv1\r\n\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
                   true, enforce, 604800, kMail, {"policy_empty_line"}},
        PolicyCase{"TrailingEmptyLine", kRfcExampleCrlf + "\r\n", true, enforce, 604800, kRfcMx, {"policy_empty_line"}},
        PolicyCase{"ByteOrderMark", "\xEF\xBB\xBF" + kRfcExampleCrlf, false, enforce, 604800, kRfcMx, {"policy_syntax", "policy_version"}},
        PolicyCase{"NulByte", with_mx("mail.example.com\r\nx: a" + std::string(1, '\0') + "b"),
                   false, enforce, 604800, kMail, {"policy_syntax"}},
        PolicyCase{"BareCarriageReturn", "version: STSv1\rmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n",
                   false, kNoMode, 604800, kMail, {"policy_mode_invalid", "policy_syntax", "policy_version"}},
        PolicyCase{"InvalidUtf8InExtension", with_mx("mail.example.com\r\nx: \xff\xfe"),
                   false, enforce, 604800, kMail, {"policy_syntax"}},
        PolicyCase{"InvalidUtf8InMode", crlf("mode: enforce\xff\r\nmx: mail.example.com\r\nmax_age: 604800"),
                   false, kNoMode, 604800, kMail, {"policy_mode_invalid"}},
        PolicyCase{"HtmlErrorPage", "<html><body>403 Forbidden</body></html>\n", false, kNoMode, kNoAge, {},
                   {"policy_lf_line_endings", "policy_max_age_invalid", "policy_mode_invalid", "policy_mx_missing", "policy_syntax", "policy_version"}}),
    [](const auto& param_info) { return std::string(param_info.param.name); });
// clang-format on

TEST(Policy, SixtyFiveKibPolicyIsTooLarge) {
  std::string body = kRfcExampleCrlf;
  while (body.size() < 65 * 1024) body += "x-padding: " + std::string(100, 'a') + "\r\n";
  const Policy p = parse_policy(body, "p");
  EXPECT_FALSE(p.valid);
  EXPECT_EQ(p.findings.front().code, FindingCode::policy_too_large);
  EXPECT_EQ(p.mode, Mode::enforce);  // the fields are still parsed, for the report
}

TEST(Policy, ExactlySixtyFourKibIsAccepted) {
  std::string body = kRfcExampleCrlf;
  while (body.size() < kMaxPolicyBytes - 200)
    body += "x-padding: " + std::string(100, 'a') + "\r\n";
  body += "x-last: " + std::string(kMaxPolicyBytes - body.size() - 8, 'b');
  ASSERT_EQ(body.size(), kMaxPolicyBytes);
  const Policy p = parse_policy(body, "p");
  EXPECT_TRUE(p.valid);
  for (const auto& f : p.findings) EXPECT_NE(f.code, FindingCode::policy_too_large);
}

TEST(Policy, GarbageIsReportedWithBoundedFindings) {
  std::string body;
  for (int i = 0; i < 5000; ++i) body += "garbage line\n";
  const Policy p = parse_policy(body, "p");
  EXPECT_FALSE(p.valid);
  EXPECT_LT(p.findings.size(), 20u);
  EXPECT_THAT(p.findings.back().message, ::testing::HasSubstr("more"));
}

TEST(Policy, SeverityOfShortMaxAgeFollowsMode) {
  const Policy enforce = parse_policy(crlf("mode: enforce\r\nmx: a.example\r\nmax_age: 3600"), "p");
  ASSERT_EQ(enforce.findings.size(), 1u);
  EXPECT_EQ(enforce.findings[0].severity, Severity::warning);
  const Policy testing = parse_policy(crlf("mode: testing\r\nmx: a.example\r\nmax_age: 3600"), "p");
  for (const auto& f : testing.findings) EXPECT_EQ(f.severity, Severity::info);
  // Under mode none a short max_age is the RFC 8461 §8.3 way to retire a policy.
  const Policy none = parse_policy(crlf("mode: none\r\nmax_age: 3600"), "p");
  for (const auto& f : none.findings) EXPECT_NE(f.code, FindingCode::policy_max_age_short);
}

TEST(Policy, MessagesNameTheLineAndGiveAHint) {
  const Policy p = parse_policy(crlf("mode: enforcing\r\nmx: a.example\r\nmax_age: 604800"), "p");
  ASSERT_EQ(p.findings.size(), 1u);
  EXPECT_THAT(p.findings[0].message, ::testing::HasSubstr("line 2"));
  EXPECT_THAT(p.findings[0].message, ::testing::HasSubstr("did you mean enforce"));
  const Policy bom = parse_policy("\xEF\xBB\xBF" + kRfcExampleCrlf, "p");
  EXPECT_THAT(bom.findings[0].message, ::testing::HasSubstr("byte order mark"));
}

TEST(Policy, ExtensionsKeepFirstValue) {
  const Policy p = parse_policy(with_mx("a.example\r\nx: 1\r\nx: 2"), "p");
  ASSERT_EQ(p.extensions.size(), 1u);
  EXPECT_EQ(p.extensions[0].value, "1");
}

}  // namespace
}  // namespace mtasts
