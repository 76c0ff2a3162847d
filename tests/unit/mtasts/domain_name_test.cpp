// RFC 5321 §4.1.2 Domain syntax, as mx values and --mx hosts need it.
#include "mtasts/domain_name.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mtasts {
namespace {

struct DomainCase {
  const char* name;
  std::string input;
  const char* problem_contains;  // nullptr: valid
};

std::ostream& operator<<(std::ostream& os, const DomainCase& c) {
  return os << c.name;
}

class DomainNameTable : public ::testing::TestWithParam<DomainCase> {};

TEST_P(DomainNameTable, ExplainsWhatIsWrong) {
  const DomainCase& c = GetParam();
  const auto valid = validate_domain_name(c.input);
  if (c.problem_contains == nullptr) {
    EXPECT_TRUE(valid) << valid.error();
  } else {
    ASSERT_FALSE(valid);
    EXPECT_THAT(valid.error(), ::testing::HasSubstr(c.problem_contains));
  }
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Rfc5321, DomainNameTable,
    ::testing::Values(
        DomainCase{"Simple", "mail.example.com", nullptr},
        DomainCase{"SingleLabel", "localhost", nullptr},
        DomainCase{"DigitsAndHyphens", "mx-01.3com.example", nullptr},
        DomainCase{"ALabel", "xn--bcher-kva.example", nullptr},
        DomainCase{"Label63", std::string(63, 'a') + ".example", nullptr},
        DomainCase{"Label64", std::string(64, 'a') + ".example", "at most 63"},
        DomainCase{"Name254", std::string(50, 'a') + "." + std::string(50, 'b') + "." + std::string(50, 'c') + "." + std::string(50, 'd') + "." + std::string(51, 'e'), "at most 253"},
        DomainCase{"Empty", "", "empty"},
        DomainCase{"TrailingDot", "mail.example.com.", "trailing dot"},
        DomainCase{"LeadingDot", ".example.com", "starts with a dot"},
        DomainCase{"EmptyLabel", "mail..example.com", "empty label"},
        DomainCase{"Ipv4", "192.0.2.25", "IP address"},
        DomainCase{"Ipv4Bracketed", "[192.0.2.25]", "IP address"},
        DomainCase{"Ipv6", "2001:db8::25", "IP address"},
        DomainCase{"Underscore", "_mta-sts.example.com", "\"_\""},
        DomainCase{"Space", "mail example.com", "\" \""},
        DomainCase{"Star", "mail.*.example.com", "wildcard"},
        DomainCase{"ULabel", "b\xc3\xbc" "cher.example", "A-labels"},
        DomainCase{"HyphenStart", "-mail.example.com", "hyphen"},
        DomainCase{"HyphenEnd", "mail-.example.com", "hyphen"},
        DomainCase{"NulByte", std::string("mail\0.example.com", 17), "\\x00"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });
// clang-format on

TEST(LooksLikeIpAddress, OnlyFourNumericLabels) {
  EXPECT_TRUE(looks_like_ip_address("10.0.0.1"));
  EXPECT_FALSE(looks_like_ip_address("10.0.0"));
  EXPECT_FALSE(looks_like_ip_address("10.0.0.1.5"));
  EXPECT_FALSE(looks_like_ip_address("1.2.3.com"));
  EXPECT_FALSE(looks_like_ip_address("1234.2.3.4"));
  EXPECT_TRUE(looks_like_ip_address("::1"));
}

}  // namespace
}  // namespace mtasts
