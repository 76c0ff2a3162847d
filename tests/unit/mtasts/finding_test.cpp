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
    // Every rule comes from an RFC, except what the agent says about itself.
    if (!std::string_view(row.name).starts_with("agent_")) {
      EXPECT_THAT(std::string(row.rfc), ::testing::StartsWith("RFC ")) << row.name;
    }
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

// A policy of thousands of mx: lines must not become thousands of findings and series.
TEST(GroupFindings, ManyFindingsOfOneCodeBecomeOne) {
  std::vector<Finding> findings;
  findings.push_back(make_finding(FindingCode::tlsrpt_missing, "_smtp._tls.example", "none"));
  for (int i = 0; i < 3000; ++i) {
    findings.push_back(make_finding(FindingCode::policy_mx_unused,
                                    "p" + std::to_string(i) + ".example",
                                    "pattern p" + std::to_string(i) + " matches nothing"));
  }
  findings.push_back(
      make_finding(FindingCode::policy_mx_invalid, "mta-sts.example", "bad 1", Mode::enforce));
  group_findings(findings);
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings[0].code, FindingCode::tlsrpt_missing);  // order kept
  EXPECT_EQ(findings[1].code, FindingCode::policy_mx_unused);
  EXPECT_EQ(findings[1].subject, "p0.example and 2999 more");
  EXPECT_EQ(findings[1].message,
            "3000 findings of this kind, for example: pattern p0 matches nothing; pattern p1 "
            "matches nothing; pattern p2 matches nothing");
  EXPECT_EQ(findings[2].message, "bad 1");
}

TEST(GroupFindings, UpToTheLimitEachFindingStays) {
  std::vector<Finding> findings;
  for (std::size_t i = 0; i < kMaxFindingsPerCode; ++i) {
    findings.push_back(make_finding(FindingCode::mx_cert_expired,
                                    "mx" + std::to_string(i) + ".example", "expired"));
  }
  const auto before = findings;
  group_findings(findings);
  EXPECT_EQ(findings, before);  // ten MX hosts with expired certificates: ten findings
}

TEST(GroupFindings, OneSubjectManyTimesKeepsTheSubjectAndTheWorstSeverity) {
  std::vector<Finding> findings;
  for (int i = 0; i < 50; ++i) {
    findings.push_back(make_finding(FindingCode::policy_mx_invalid, "mta-sts.example",
                                    "line " + std::to_string(i), Mode::testing));
  }
  findings[30].severity = Severity::error;
  group_findings(findings);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].subject, "mta-sts.example");
  EXPECT_EQ(findings[0].severity, Severity::error);
}

TEST(GroupFindings, LongMessagesAreCutAtACharacterBoundary) {
  std::vector<Finding> findings = {
      make_finding(FindingCode::policy_syntax, "mta-sts.example", std::string(2000, 'x')),
      make_finding(FindingCode::policy_version, "mta-sts.example",
                   std::string(1021, 'x') + "\u00fc\u00fc\u00fc")};
  group_findings(findings);
  EXPECT_LE(findings[0].message.size(), kMaxFindingMessageBytes);
  EXPECT_TRUE(findings[0].message.ends_with("\u2026"));
  // 1021 bytes, then "ü" would straddle the cut: it goes whole.
  EXPECT_EQ(findings[1].message, std::string(1021, 'x') + "\u2026");
}

}  // namespace
}  // namespace mtasts
