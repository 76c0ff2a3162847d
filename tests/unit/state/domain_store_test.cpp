// The state store: latest report per domain, recent history, what retain() keeps.
#include "state/domain_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "probe/evaluate.hpp"
#include "recorded_check.hpp"
#include "sample_report.hpp"

namespace mtasts::state {
namespace {

probe::DomainReport evaluated(const std::string& domain, const std::string& id = "1") {
  auto r = support::healthy_facts(domain, id);
  probe::evaluate(r, {});
  return r;
}

TEST(DomainStore, ListsConfiguredDomainsBeforeTheirFirstCheck) {
  DomainStore store;
  store.retain({{"a.example", {}}, {"b.example", {{"team", "mail"}}}});
  ASSERT_EQ(store.entries().size(), 2u);
  EXPECT_EQ(store.checked_count(), 0u);
  EXPECT_EQ(store.find("b.example")->labels.at("team"), "mail");
  EXPECT_EQ(store.find("a.example")->report, nullptr);
}

TEST(DomainStore, RecordsReportsAndKeepsARecentHistory) {
  DomainStore store;
  store.retain({{"a.example", {}}});
  for (int i = 0; i < 25; ++i)
    support::record_check(store, support::healthy_facts("a.example"), 1000 + i);
  const auto* entry = store.find("a.example");
  ASSERT_NE(entry, nullptr);
  ASSERT_NE(entry->report, nullptr);
  EXPECT_EQ(store.checked_count(), 1u);
  EXPECT_EQ(entry->recent.size(), DomainStore::kRecentChecks);
  EXPECT_EQ(entry->recent.front().verdict, probe::Verdict::ok);
}

// A report that comes before the domain's first check waits for it: its failures at the
// domain's own MX are labelled with that host, not "other" (the MX set is not known before).
TEST(DomainStore, SenderReportsBeforeTheFirstCheckAreCountedWithIt) {
  DomainStore store;
  store.retain({{"a.example", {}}});
  tlsrpt::ReportSummary report;
  report.domain = "a.example";
  report.organization = "Sender";
  report.policy_type = "sts";
  report.successful = 90;
  report.failed = 10;
  report.failures = {{"certificate-expired", "mx.example.com", 10}};
  EXPECT_TRUE(store.add_sender_report(report));
  EXPECT_EQ(store.find("a.example")->senders, nullptr);
  support::record_check(store, support::healthy_facts("a.example"), 1000);
  const auto& senders = store.find("a.example")->senders;
  ASSERT_NE(senders, nullptr);
  EXPECT_EQ(senders->failures().at({"Sender", "certificate-expired", "mx.example.com"}), 10u);
  // After it, counted at once.
  EXPECT_TRUE(store.add_sender_report(report));
  EXPECT_EQ(senders->failures().at({"Sender", "certificate-expired", "mx.example.com"}), 20u);
  report.domain = "elsewhere.example";
  EXPECT_FALSE(store.add_sender_report(report));
}

// A hosting provider's MX certificate is kept once for all its domains; different facts
// (another certificate, or the same one with a problem for another name) stay apart.
TEST(DomainStore, EqualTlsFactsOfDifferentReportsAreKeptOnce) {
  DomainStore store;
  store.retain({{"a.example", {}}, {"b.example", {}}, {"c.example", {}}});
  support::record_check(store, support::healthy_facts("a.example"), 1000);
  support::record_check(store, support::healthy_facts("b.example"), 1000);
  auto c = support::healthy_facts("c.example");
  support::edit(c.mx[0].probes[0].tls).certificate.problems = {net::CertProblem::name_mismatch};
  support::record_check(store, std::move(c), 1000);

  const auto& a = *store.find("a.example")->report;
  const auto& b = *store.find("b.example")->report;
  const auto& kept_c = *store.find("c.example")->report;
  EXPECT_EQ(a.mx[0].probes[0].tls, b.mx[0].probes[0].tls);
  EXPECT_EQ(a.policy.fetches[0].tls, b.policy.fetches[0].tls);
  EXPECT_NE(a.mx[0].probes[0].tls, kept_c.mx[0].probes[0].tls);
  EXPECT_EQ(kept_c.mx[0].probes[0].tls->certificate.problems,
            std::vector<net::CertProblem>{net::CertProblem::name_mismatch});
  // Facts no report holds any more are not kept alive by the store.
  std::weak_ptr<const net::TlsFacts> old_c = kept_c.mx[0].probes[0].tls;
  support::record_check(store, support::healthy_facts("c.example"), 2000);
  EXPECT_TRUE(old_c.expired());
}

TEST(DomainStore, DropsDomainsNoLongerConfigured) {
  DomainStore store;
  store.retain({{"a.example", {}}, {"b.example", {}}});
  support::record_check(store, support::healthy_facts("a.example"), 1000);
  support::record_check(store, support::healthy_facts("b.example"), 1000);
  store.retain({{"b.example", {}}});
  EXPECT_EQ(store.find("a.example"), nullptr);
  EXPECT_EQ(store.checked_count(), 1u);
}

TEST(DomainStore, ARestoredReportIsServedUntilTheNextCheck) {
  DomainStore store;
  store.retain({{"a.example", {}}, {"gone.example", {}}});
  auto kept = evaluated("a.example");
  kept.started = std::chrono::system_clock::time_point(std::chrono::seconds(1000));
  store.restore("a.example", std::nullopt, kept);
  store.restore("unknown.example", std::nullopt, evaluated("unknown.example"));  // ignored
  const auto* entry = store.find("a.example");
  ASSERT_NE(entry->report, nullptr);
  EXPECT_EQ(entry->report->started, kept.started);  // its original check time
  EXPECT_EQ(entry->recent.size(), 1u);
  EXPECT_EQ(store.checked_count(), 1u);
  EXPECT_EQ(store.find("unknown.example"), nullptr);
  support::record_check(store, support::healthy_facts("a.example"), 2000);
  EXPECT_NE(store.find("a.example")->report->started, kept.started);
  EXPECT_EQ(store.checked_count(), 1u);
}

TEST(DomainStore, RestoredHistoryMakesChangesVisibleAfterARestart) {
  DomainStore before;
  before.retain({{"a.example", {}}});
  support::record_check(before, support::healthy_facts("a.example", "1"), 1000);

  DomainStore after;  // a new process, same state file
  after.retain({{"a.example", {}}});
  after.restore("a.example", before.find("a.example")->history, std::nullopt);
  auto report = support::healthy_facts("a.example", "1",
                                       "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\n"
                                       "max_age: 86400\r\n");
  const auto stored = support::record_check(after, std::move(report), 2000);
  bool raised = false;
  for (const auto& f : stored->findings) {
    raised = raised || f.code == FindingCode::policy_changed_without_id_change;
  }
  EXPECT_TRUE(raised);
}

// A customer's domain may serve anything up to the fetch limits: what the store keeps of it
// is bounded all the same.
TEST(DomainStore, AHostileDomainKeepsABoundedReport) {
  std::string policy =
      "version: STSv1\r\nmode: enforce\r\nmax_age: 1209600\r\nmx: mx.example.com\r\n";
  for (int i = 0; policy.size() < 60000; ++i)
    policy += "mx: p" + std::to_string(i) + ".example\r\n";
  auto r = support::healthy_facts("hostile.example", "1", policy);
  for (int i = 0; i < 40; ++i) r.tlsrpt.records.push_back(std::string(3000, 't'));
  probe::evaluate(r, {});
  // Thousands of unused patterns are one finding (one series), the verdict unchanged.
  EXPECT_LE(r.findings.size(), 5u);
  const auto unused = std::find_if(r.findings.begin(), r.findings.end(), [](const Finding& f) {
    return f.code == FindingCode::policy_mx_unused;
  });
  ASSERT_NE(unused, r.findings.end());
  EXPECT_TRUE(unused->subject.starts_with("p0.example and ")) << unused->subject;
  EXPECT_EQ(r.verdict, probe::Verdict::ok);  // unused patterns are advice
  DomainStore store;
  store.retain({{"hostile.example", {}}});
  const auto kept = support::record_check(store, std::move(r), 1000);
  EXPECT_EQ(kept->policy.fetches[0].response->body.size(), DomainStore::kMaxKeptPolicyBody);
  EXPECT_TRUE(kept->policy.fetches[1].response->body.empty());
  EXPECT_EQ(kept->policy.parsed->mx.size(), DomainStore::kMaxKeptPatterns);
  EXPECT_EQ(kept->tlsrpt.records.size(), DomainStore::kMaxKeptTxtRecords);
  for (const auto& record : kept->tlsrpt.records) {
    EXPECT_LE(record.size(), DomainStore::kMaxKeptTxtBytes);
  }
  EXPECT_LE(kept->policy.parsed->findings.size(), 5u);
}

}  // namespace
}  // namespace mtasts::state
