// What senders reported, counted with bounded labels.
#include "tlsrpt/sender_counters.hpp"

#include <gtest/gtest.h>

namespace mtasts::tlsrpt {
namespace {

ReportSummary summary(const std::string& organization, std::uint64_t ok, std::uint64_t failed,
                      std::vector<ReportSummary::Failure> failures = {}) {
  ReportSummary s;
  s.organization = organization;
  s.domain = "example.org";
  s.policy_type = "sts";
  s.end = 1000;
  s.successful = ok;
  s.failed = failed;
  s.failures = std::move(failures);
  return s;
}

const auto kOwnHosts = [](std::string_view host) { return host == "mx1.example.org"; };

TEST(SenderCounters, CountsSessionsAndFailuresByReporter) {
  SenderCounters counters;
  counters.add(summary("Provider", 10, 3,
                       {{"certificate-expired", "mx1.example.org", 2},
                        {"certificate-expired", "mx.attacker.example", 1}}),
               kOwnHosts);
  counters.add(summary("Provider", 5, 0), kOwnHosts);
  EXPECT_EQ((counters.sessions().at({"Provider", "sts", "success"})), 15u);
  EXPECT_EQ((counters.sessions().at({"Provider", "sts", "failure"})), 3u);
  EXPECT_EQ((counters.failures().at({"Provider", "certificate-expired", "mx1.example.org"})), 2u);
  // A receiving MX that is not the domain's is "other": reporters do not choose label values.
  EXPECT_EQ((counters.failures().at({"Provider", "certificate-expired", "other"})), 1u);
  EXPECT_EQ(counters.last_report_end().at("Provider"), 1000);
}

TEST(SenderCounters, UnknownResultTypesAreOther) {
  SenderCounters counters;
  counters.add(summary("P", 0, 4, {{"made-up-type", "mx1.example.org", 4}}), kOwnHosts);
  EXPECT_EQ((counters.failures().at({"P", "other", "mx1.example.org"})), 4u);
}

TEST(SenderCounters, ReportersBeyondTheCapAreOther) {
  SenderCounters counters;
  for (int i = 0; i < 15; ++i)
    counters.add(summary("Reporter " + std::to_string(i), 1, 0), kOwnHosts);
  EXPECT_EQ(counters.last_report_end().size(), SenderCounters::kMaxReporters + 1);
  EXPECT_EQ((counters.sessions().at({"other", "sts", "success"})), 5u);
  // A named reporter keeps its name.
  counters.add(summary("Reporter 3", 1, 0), kOwnHosts);
  EXPECT_EQ((counters.sessions().at({"Reporter 3", "sts", "success"})), 2u);
}

TEST(SenderCounters, FailureSeriesAreBounded) {
  SenderCounters counters;
  auto own_everything = [](std::string_view) { return true; };
  for (int i = 0; i < 500; ++i) {
    counters.add(
        summary("P", 0, 1, {{"certificate-expired", "mx" + std::to_string(i) + ".example.org", 1}}),
        own_everything);
  }
  EXPECT_LE(counters.failures().size(), SenderCounters::kMaxFailureSeries + 12);
  EXPECT_EQ((counters.failures().at({"other", "certificate-expired", "other"})), 400u);
}

TEST(SenderCounters, CountsSaturate) {
  SenderCounters counters;
  counters.add(summary("P", UINT64_MAX, 0), kOwnHosts);
  counters.add(summary("P", 5, 0), kOwnHosts);
  EXPECT_EQ((counters.sessions().at({"P", "sts", "success"})), UINT64_MAX);
}

TEST(ReporterName, IsALabelValueOfBoundedLength) {
  EXPECT_EQ(reporter_name("Google Inc."), "Google Inc.");
  EXPECT_EQ(reporter_name("bad\nname\x01"), "badname");
  EXPECT_EQ(reporter_name(""), "unnamed");
  EXPECT_EQ(reporter_name(std::string(100, 'a')).size(), SenderCounters::kMaxReporterLength);
  // Cut at a character boundary: 63 ASCII bytes and a two-byte character do not fit in 64.
  const std::string name = std::string(63, 'a') + "\xc3\xa9" + "tail";
  EXPECT_EQ(reporter_name(name), std::string(63, 'a'));
}

}  // namespace
}  // namespace mtasts::tlsrpt
