// One domain's recent reports added up into the facts evaluate() judges.
#include "tlsrpt/recent_reports.hpp"

#include <gtest/gtest.h>

namespace mtasts::tlsrpt {
namespace {

ReportSummary summary(std::int64_t row, const std::string& organization, std::time_t end,
                      std::uint64_t ok, std::uint64_t failed,
                      std::vector<ReportSummary::Failure> failures = {}) {
  ReportSummary s;
  s.row = row;
  s.organization = organization;
  s.domain = "example.org";
  s.policy_type = "sts";
  s.end = end;
  s.successful = ok;
  s.failed = failed;
  s.failures = std::move(failures);
  return s;
}

TEST(SummarizeRecent, AddsUpReportsOfTheWindow) {
  const std::vector<ReportSummary> reports = {
      summary(3, "Big", 2000, 900, 60,
              {{"certificate-expired", "mx1.example.org", 50},
               {"starttls-not-supported", "mx2.example.org", 10}}),
      // The same report's second policy type: one report, not two.
      summary(3, "Big", 2000, 10, 0),
      summary(2, "Small", 1900, 5, 5, {{"certificate-expired", "mx2.example.org", 5}}),
      summary(1, "Old", 100, 1000, 1000, {{"sts-policy-fetch-error", "", 1000}}),  // too old
  };
  const RecentReports recent = summarize_recent(reports, 1000);
  EXPECT_EQ(recent.since, 1000);
  EXPECT_EQ(recent.reports, 2u);
  EXPECT_EQ(recent.successful, 915u);
  EXPECT_EQ(recent.failed, 65u);
  ASSERT_EQ(recent.failures.size(), 2u);
  EXPECT_EQ(recent.failures[0].result_type, "certificate-expired");
  EXPECT_EQ(recent.failures[0].sessions, 55u);
  EXPECT_EQ(recent.failures[0].mx_hosts,
            (std::vector<std::string>{"mx1.example.org", "mx2.example.org"}));
  EXPECT_EQ(recent.failures[1].result_type, "starttls-not-supported");
  EXPECT_EQ(recent.reporters, (std::vector<std::string>{"Big", "Small"}));
}

TEST(SummarizeRecent, StaysBounded) {
  std::vector<ReportSummary> reports;
  for (int i = 0; i < 50; ++i) {
    std::vector<ReportSummary::Failure> failures;
    for (int t = 0; t < 20; ++t) {
      failures.push_back({"type-" + std::to_string(t), "mx" + std::to_string(i) + ".example", 1});
    }
    reports.push_back(summary(i, "Reporter " + std::to_string(i), 5000, 1, 20, failures));
  }
  const RecentReports recent = summarize_recent(reports, 0);
  EXPECT_EQ(recent.failures.size(), RecentReports::kMaxTypes);
  for (const auto& f : recent.failures) EXPECT_LE(f.mx_hosts.size(), RecentReports::kMaxHosts);
  EXPECT_EQ(recent.reporters.size(), RecentReports::kMaxReporters);
}

}  // namespace
}  // namespace mtasts::tlsrpt
