// The state file of earlier versions, read once for the import: bad files must not be fatal.
#include "state/state_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace mtasts::state {
namespace {

using ::testing::HasSubstr;

class StateFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mtasts-state-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& text) { std::ofstream(dir_ + "/state.json") << text; }
  std::string dir_;
};

TEST_F(StateFile, ReadsEveryField) {
  write(R"({"version": 1, "domains": {"example.com": {"id": "20261127", "body_sha256": "ab",
    "first_seen": 1800000000, "last_change": 1800000100, "unannounced_change_since": 1800000100,
    "needless_id_change_at": 0, "mode": "enforce", "mode_since": 1790000000}}})");
  std::vector<std::string> notices;
  const auto histories = load_state(dir_, notices);
  ASSERT_TRUE(histories) << histories.error();
  EXPECT_TRUE(notices.empty());
  ASSERT_EQ(histories->size(), 1u);
  const auto& h = histories->at("example.com");
  EXPECT_EQ(h.id, "20261127");
  EXPECT_EQ(h.last_change, 1800000100);
  EXPECT_EQ(h.unannounced_change_since, 1800000100);
  EXPECT_EQ(h.mode, "enforce");
  EXPECT_EQ(h.mode_since, 1790000000);
}

// A version of another type aborted the daemon at start once (an uncaught JSON type error).
TEST_F(StateFile, AVersionOfAnotherTypeIsIgnoredNotFatal) {
  for (const char* text : {R"({"version":"1","domains":{}})", R"({"version":null})",
                           R"({"version":1.5,"domains":{}})", R"({"domains":{}})"}) {
    write(text);
    std::vector<std::string> notices;
    const auto histories = load_state(dir_, notices);
    ASSERT_FALSE(histories) << text;
    EXPECT_THAT(histories.error(), HasSubstr("format version"));
  }
}

TEST_F(StateFile, AMissingFileIsAFreshStart) {
  std::vector<std::string> notices;
  const auto histories = load_state(dir_, notices);
  ASSERT_TRUE(histories) << histories.error();
  EXPECT_TRUE(histories->empty());
  EXPECT_TRUE(notices.empty());
}

TEST_F(StateFile, ACorruptFileIsReportedAndIgnored) {
  write("{\"version\": 1, \"domains\": {\"example.com\": {\"id\": ");
  std::vector<std::string> notices;
  const auto histories = load_state(dir_, notices);
  ASSERT_FALSE(histories);
  EXPECT_THAT(histories.error(), HasSubstr("not a JSON object"));
  EXPECT_THAT(histories.error(), HasSubstr(dir_));
}

TEST_F(StateFile, AnotherFormatVersionIsIgnored) {
  write(R"({"version": 7, "domains": {}})");
  std::vector<std::string> notices;
  const auto histories = load_state(dir_, notices);
  ASSERT_FALSE(histories);
  EXPECT_THAT(histories.error(), HasSubstr("format version 7"));
}

TEST_F(StateFile, MalformedEntriesAreSkippedAndTheRestKept) {
  write(R"({"version": 1, "domains": {
    "good.example": {"id": "1", "body_sha256": "ab", "first_seen": 1, "last_change": 2},
    "bad.example": {"id": 5}}})");
  std::vector<std::string> notices;
  const auto histories = load_state(dir_, notices);
  ASSERT_TRUE(histories) << histories.error();
  ASSERT_EQ(histories->size(), 1u);
  EXPECT_EQ(histories->at("good.example").last_change, 2);
  EXPECT_THAT(notices, ::testing::ElementsAre(HasSubstr("skipped 1 malformed")));
}

TEST_F(StateFile, AnOversizedFileIsNotRead) {
  std::filesystem::resize_file((write("{}"), dir_ + "/state.json"), kMaxStateFileBytes + 1);
  std::vector<std::string> notices;
  const auto histories = load_state(dir_, notices);
  ASSERT_FALSE(histories);
  EXPECT_THAT(histories.error(), HasSubstr("more than a state file can be"));
}

}  // namespace
}  // namespace mtasts::state
