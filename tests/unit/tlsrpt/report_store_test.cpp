// The report store: reports kept once however often senders resend them, read back per domain,
// found by the daemon after another process stored them, forgotten after the retention period.
#include "tlsrpt/report_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "mtasts/tlsrpt_report.hpp"
#include "scratch.hpp"

namespace mtasts::tlsrpt {
namespace {

namespace fs = std::filesystem;

std::string testdata(const std::string& name) {
  return support::testdata("tlsrpt/" + name);
}

class ReportStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<ReportStore> open() {
    auto store = ReportStore::open(dir_.string(), 1000);
    EXPECT_TRUE(store) << store.error();
    return store ? std::move(*store) : nullptr;
  }

  support::ScratchDir scratch_{"mtasts-report-store"};
  const fs::path& dir_ = scratch_.path();
};

TEST_F(ReportStoreTest, StoresAReportOnceHoweverOftenItIsSent) {
  auto store = open();
  const std::string json = testdata("rfc8460-example.json");
  const auto report = parse_report(json);
  ASSERT_TRUE(report);
  const auto stored = store->add(*report, json, "mail", 1000);
  ASSERT_TRUE(stored) << stored.error();
  EXPECT_EQ(*stored, ReportStore::Added::stored);
  EXPECT_EQ(store->add(*report, json, "https", 2000), ReportStore::Added::duplicate);
  EXPECT_EQ(store->last_row(), 1);

  const auto reports = store->reports_for("company-y.example", 0);
  ASSERT_TRUE(reports) << reports.error();
  ASSERT_EQ(reports->size(), 1u);
  const auto& r = reports->at(0);
  EXPECT_EQ(r.organization, "Company-X");
  EXPECT_EQ(r.report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
  EXPECT_EQ(r.source, "mail");
  EXPECT_EQ(r.received, 1000);
  EXPECT_EQ(r.policy_type, "sts");
  EXPECT_EQ(r.successful, 5326u);
  EXPECT_EQ(r.failed, 303u);
  ASSERT_EQ(r.failures.size(), 3u);
  EXPECT_EQ(r.failures[0].result_type, "starttls-not-supported");  // the most sessions first
  EXPECT_EQ(r.failures[0].receiving_mx, "mx2.mail.company-y.example");
  EXPECT_EQ(r.failures[0].sessions, 200u);
  EXPECT_TRUE(store->reports_for("other.example", 0)->empty());
}

TEST_F(ReportStoreTest, AnotherProcessesReportsAreFoundByRow) {
  auto daemon = open();
  auto ingest = open();  // `tlsrpt ingest`, with its own connection
  const std::vector<std::string> files = {"rfc8460-example.json", "list-mx-host.json",
                                          "offset-times-reason-code.json", "no-policy-found.json"};
  for (const auto& file : files) {
    const std::string json = testdata(file);
    ASSERT_EQ(ingest->add(*parse_report(json), json, "file", 5), ReportStore::Added::stored);
  }
  const auto first = daemon->added_after(0, 2);
  ASSERT_TRUE(first) << first.error();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ(first->at(0).domain, "company-y.example");
  EXPECT_EQ(first->at(1).domain, "example.org");
  const auto rest = daemon->added_after(first->back().row, 100);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ(rest->at(1).policy_type, "no-policy-found");
  ASSERT_EQ(rest->at(1).failures.size(), 2u);
  EXPECT_EQ(rest->at(1).failures[0].result_type, "sts-policy-fetch-error");
  EXPECT_EQ(rest->at(1).failures[1].result_type, "something-new");  // as sent, 0 sessions
  EXPECT_TRUE(daemon->added_after(rest->back().row, 100)->empty());
}

TEST_F(ReportStoreTest, ForgetsReportsPastRetention) {
  auto store = open();
  for (const auto& file : {"rfc8460-example.json", "list-mx-host.json"}) {
    const std::string json = testdata(file);
    ASSERT_TRUE(store->add(*parse_report(json), json, "file", 5));
  }
  // The RFC example ended in 2016; the other on 2026-11-29.
  EXPECT_EQ(store->forget_ended_before(1700000000), 1u);
  EXPECT_TRUE(store->reports_for("company-y.example", 0)->empty());
  EXPECT_EQ(store->reports_for("example.org", 0)->size(), 1u);
  // The failure details went with their report (ON DELETE CASCADE).
  EXPECT_EQ(store->forget_ended_before(1900000000), 1u);
  EXPECT_EQ(store->last_row(), 0);
}

TEST_F(ReportStoreTest, ACorruptFileIsAClearError) {
  std::ofstream(dir_ / kReportDatabaseFileName) << std::string(4096, 'x');
  const auto store = ReportStore::open(dir_.string(), 100);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().find("tlsrpt.db"), std::string::npos) << store.error();
}

TEST_F(ReportStoreTest, KeepsRejectedInputsAsideBounded) {
  const auto first = keep_rejected(dir_.string(), "garbage", "the report is not JSON", "mail", 100);
  ASSERT_TRUE(first) << first.error();
  std::ifstream in(*first);
  std::stringstream bytes;
  bytes << in.rdbuf();
  EXPECT_EQ(bytes.str(), "garbage");
  std::ifstream why(*first + ".reason");
  std::string reason;
  std::getline(why, reason);
  EXPECT_EQ(reason, "the report is not JSON");
  for (int i = 0; i < 120; ++i) {
    ASSERT_TRUE(keep_rejected(dir_.string(), "x", "why", "https", 200 + i));
  }
  std::size_t inputs = 0, reasons = 0;
  for (const auto& entry : fs::directory_iterator(dir_ / kRejectedDirName)) {
    (entry.path().extension() == ".reason" ? reasons : inputs) += 1;
  }
  EXPECT_EQ(inputs, kRejectedKept);
  EXPECT_EQ(reasons, kRejectedKept);
  EXPECT_FALSE(fs::exists(*first));  // the oldest went first
}

}  // namespace
}  // namespace mtasts::tlsrpt
