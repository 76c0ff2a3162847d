// The finding catalogue: stable codes, one row each, severity by mode (README, "Finding codes").
#include "mtasts/finding.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace mtasts {
namespace {

TEST(FindingCatalogue, HasTheContractCodesOfArchitectureSection5) {
  // The initial codes of the contract; they may never be renamed or removed.
  const std::vector<std::string> contract = {"sts_record_missing",
                                             "sts_record_invalid",
                                             "sts_record_multiple",
                                             "sts_record_misplaced",
                                             "sts_record_dns_error",
                                             "policy_host_unresolvable",
                                             "policy_connect_failed",
                                             "policy_timeout",
                                             "policy_tls_failed",
                                             "policy_cert_untrusted",
                                             "policy_cert_name_mismatch",
                                             "policy_cert_expired",
                                             "policy_cert_expiring",
                                             "policy_http_status",
                                             "policy_redirect",
                                             "policy_content_type",
                                             "policy_too_large",
                                             "policy_ipv4_only",
                                             "policy_ipv6_only",
                                             "policy_family_mismatch",
                                             "policy_syntax",
                                             "policy_version",
                                             "policy_mode_invalid",
                                             "policy_mode_testing",
                                             "policy_mode_none",
                                             "policy_max_age_invalid",
                                             "policy_max_age_short",
                                             "policy_mx_missing",
                                             "policy_mx_invalid",
                                             "policy_duplicate_field",
                                             "policy_unknown_field",
                                             "policy_lf_line_endings",
                                             "mx_not_covered",
                                             "policy_mx_unused",
                                             "policy_changed_without_id_change",
                                             "id_changed_policy_unchanged",
                                             "mx_none",
                                             "mx_unresolvable",
                                             "mx_connect_failed",
                                             "mx_timeout",
                                             "mx_starttls_missing",
                                             "mx_tls_failed",
                                             "mx_tls_version_old",
                                             "mx_cert_untrusted",
                                             "mx_cert_name_mismatch",
                                             "mx_cert_expired",
                                             "mx_cert_expiring",
                                             "port25_blocked",
                                             "tlsrpt_missing",
                                             "tlsrpt_invalid",
                                             "tlsrpt_multiple",
                                             "tlsrpt_rua_invalid"};
  for (const auto& name : contract) {
    EXPECT_TRUE(finding_code_from_name(name).has_value()) << name;
  }
}

TEST(FindingCatalogue, NamesAreUniqueSnakeCaseAndRowsComplete) {
  std::set<std::string_view> names;
  for (const auto& row : finding_catalogue()) {
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    for (char c : row.name)
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << row.name;
    EXPECT_THAT(std::string(row.rfc), ::testing::StartsWith("RFC ")) << row.name;
    EXPECT_FALSE(row.title.empty()) << row.name;
    EXPECT_FALSE(row.advice.empty()) << row.name;
    EXPECT_EQ(to_string(row.code), row.name);
    EXPECT_EQ(finding_code_from_name(row.name), row.code);
  }
  EXPECT_EQ(names.size(), kFindingCodeCount);
  EXPECT_EQ(finding_code_from_name("no_such_code"), std::nullopt);
}

TEST(SeverityFor, DeliveryFindingsFollowTheMode) {
  // README, "Finding codes": what makes senders refuse delivery is an error under enforce,
  // a warning under testing, info under none.
  for (auto code : {FindingCode::mx_not_covered, FindingCode::mx_starttls_missing,
                    FindingCode::mx_cert_untrusted, FindingCode::mx_cert_name_mismatch,
                    FindingCode::mx_cert_expired}) {
    EXPECT_EQ(severity_for(code, Mode::enforce), Severity::error) << to_string(code);
    EXPECT_EQ(severity_for(code, Mode::testing), Severity::warning) << to_string(code);
    EXPECT_EQ(severity_for(code, Mode::none), Severity::info) << to_string(code);
    EXPECT_EQ(severity_for(code, std::nullopt), Severity::error) << to_string(code);
  }
  EXPECT_EQ(severity_for(FindingCode::mx_cert_expiring, Mode::enforce), Severity::warning);
  EXPECT_EQ(severity_for(FindingCode::mx_cert_expiring, Mode::none), Severity::warning);
  EXPECT_EQ(severity_for(FindingCode::policy_max_age_short, Mode::enforce), Severity::warning);
  EXPECT_EQ(severity_for(FindingCode::policy_max_age_short, Mode::testing), Severity::info);
  EXPECT_EQ(severity_for(FindingCode::policy_syntax, Mode::none), Severity::error);
}

TEST(MakeFinding, TakesSeverityFromTheCatalogue) {
  const Finding f = make_finding(FindingCode::mx_not_covered, "mx.example.com", "m", Mode::testing);
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_EQ(f.subject, "mx.example.com");
}

}  // namespace
}  // namespace mtasts
