// The state store: latest report per domain, recent history, what retain() keeps.
#include "state/domain_store.hpp"

#include <gtest/gtest.h>

#include "probe/evaluate.hpp"
#include "sample_report.hpp"

namespace mtasts::state {
namespace {

probe::DomainReport evaluated(const std::string& domain, const std::string& id = "1") {
  auto r = testing::healthy_facts(domain, id);
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
  for (int i = 0; i < 25; ++i) store.record(evaluated("a.example"), 1000 + i);
  const auto* entry = store.find("a.example");
  ASSERT_NE(entry, nullptr);
  ASSERT_NE(entry->report, nullptr);
  EXPECT_EQ(store.checked_count(), 1u);
  EXPECT_EQ(entry->recent.size(), DomainStore::kRecentChecks);
  EXPECT_EQ(entry->recent.front().verdict, probe::Verdict::ok);
  EXPECT_TRUE(store.history_dirty());
}

TEST(DomainStore, DropsDomainsNoLongerConfigured) {
  DomainStore store;
  store.retain({{"a.example", {}}, {"b.example", {}}});
  store.record(evaluated("a.example"), 1000);
  store.record(evaluated("b.example"), 1000);
  store.mark_saved();
  store.retain({{"b.example", {}}});
  EXPECT_EQ(store.find("a.example"), nullptr);
  EXPECT_EQ(store.checked_count(), 1u);
  EXPECT_TRUE(store.history_dirty());  // a.example's history must leave the state file
  EXPECT_EQ(store.histories().size(), 1u);
}

TEST(DomainStore, RestoredHistoryMakesChangesVisibleAfterARestart) {
  DomainStore before;
  before.retain({{"a.example", {}}});
  before.record(evaluated("a.example", "1"), 1000);

  DomainStore after;  // a new process, same state file
  after.retain({{"a.example", {}}});
  after.restore_history(before.histories());
  auto report = testing::healthy_facts("a.example", "1",
                                       "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\n"
                                       "max_age: 86400\r\n");
  probe::evaluate(report, {});
  const auto stored = after.record(std::move(report), 2000);
  bool raised = false;
  for (const auto& f : stored->findings) {
    raised = raised || f.code == FindingCode::policy_changed_without_id_change;
  }
  EXPECT_TRUE(raised);
}

}  // namespace
}  // namespace mtasts::state
