// The Maildir way in: messages in new/ taken, moved to cur/ as seen, kept in new/ while the
// store cannot take them.
#include "tlsrpt/maildir.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scratch.hpp"

namespace mtasts::tlsrpt {
namespace {

namespace fs = std::filesystem;
using Outcome = IngestResult::Outcome;

std::string testdata(const std::string& name) {
  return support::testdata("tlsrpt/" + name);
}

class MaildirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* sub : {"state", "Maildir/new", "Maildir/cur", "Maildir/tmp"}) {
      fs::create_directories(root_ / sub);
    }
    store_ = std::move(*ReportStore::open((root_ / "state").string(), 100));
  }

  void deliver(const std::string& name, const std::string& message) {
    std::ofstream(root_ / "Maildir/new" / name, std::ios::binary) << message;
  }
  std::vector<MaildirMessage> take(std::size_t limit = 100) {
    return take_maildir(*store_, (root_ / "state").string(), (root_ / "Maildir").string(), limit,
                        1800000000, [](std::string_view d) { return d == "example.org"; });
  }

  support::ScratchDir scratch_{"mtasts-maildir"};
  const fs::path& root_ = scratch_.path();
  std::unique_ptr<ReportStore> store_;
};

TEST_F(MaildirTest, TakesNewMessagesAndMarksThemSeen) {
  deliver("1796000000.M1P1.mail", testdata("report-mail-gzip.eml"));
  deliver("1796000001.M2P1.mail", testdata("report-mail-octet-stream.eml"));
  deliver("1796000002.M3P1.mail", testdata("not-a-report.eml"));
  deliver("1796000003.M4P1.mail:2,F", testdata("report-mail-gzip.eml"));  // a copy, flagged
  const auto taken = take();
  ASSERT_EQ(taken.size(), 4u);
  EXPECT_EQ(taken[0].result.outcome, Outcome::stored);
  EXPECT_EQ(taken[1].result.outcome, Outcome::stored);
  EXPECT_EQ(taken[2].result.outcome, Outcome::rejected);
  EXPECT_EQ(taken[3].result.outcome, Outcome::duplicate);
  EXPECT_TRUE(fs::is_empty(root_ / "Maildir/new"));
  for (const char* seen : {"1796000000.M1P1.mail:2,S", "1796000001.M2P1.mail:2,S",
                           "1796000002.M3P1.mail:2,S", "1796000003.M4P1.mail:2,FS"}) {
    EXPECT_TRUE(fs::exists(root_ / "Maildir/cur" / seen)) << seen;
  }
  EXPECT_EQ(store_->reports_for("example.org", 0)->at(0).source, "maildir");
  EXPECT_TRUE(take().empty());
}

TEST_F(MaildirTest, NeverFollowsALink) {
  std::ofstream(root_ / "secret") << "not for the agent to read";
  fs::create_symlink(root_ / "secret", root_ / "Maildir/new/1796000000.M1.link");
  EXPECT_TRUE(take().empty());
  EXPECT_FALSE(fs::exists(root_ / "state" / kRejectedDirName));
}

TEST_F(MaildirTest, TakesAtMostABatchOldestFirst) {
  for (int i = 0; i < 5; ++i) {
    deliver(std::to_string(1796000000 + i) + ".M" + std::to_string(i) + ".mail", "not a report");
  }
  const auto taken = take(2);
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].name, "1796000000.M0.mail");
  EXPECT_EQ(taken[1].name, "1796000001.M1.mail");
  EXPECT_EQ(std::distance(fs::directory_iterator(root_ / "Maildir/new"), fs::directory_iterator{}),
            3);
}

TEST_F(MaildirTest, LeavesMessagesInNewWhileTheStoreIsUnavailable) {
  deliver("1796000000.M1P1.mail", testdata("report-mail-gzip.eml"));
  deliver("1796000001.M2P1.mail", testdata("report-mail-octet-stream.eml"));
  // Another writer holds the store's lock: the write waits 100 ms and gives up.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((root_ / "state" / kReportDatabaseFileName).c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE;", nullptr, nullptr, nullptr), SQLITE_OK);
  const auto taken = take();
  ASSERT_EQ(taken.size(), 1u);  // the rest waits for the next pass
  EXPECT_EQ(taken[0].result.outcome, Outcome::failed);
  EXPECT_TRUE(fs::exists(root_ / "Maildir/new/1796000000.M1P1.mail"));
  sqlite3_exec(db, "ROLLBACK;", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(take().size(), 2u);
}

TEST_F(MaildirTest, ValidatesTheFolder) {
  EXPECT_TRUE(validate_maildir((root_ / "Maildir").string()));
  const auto missing = validate_maildir((root_ / "state").string());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("is not a Maildir (it has no new/ directory)"), std::string::npos);
}

}  // namespace
}  // namespace mtasts::tlsrpt
