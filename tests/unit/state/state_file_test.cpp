// The state file: round trip, atomic replacement, and bad files that must not be fatal.
#include "state/state_file.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace mtasts::state {
namespace {

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

Histories sample() {
  probe::PolicyHistory h;
  h.id = "20261127";
  h.body_sha256 = std::string(64, 'a');
  h.first_seen = 1800000000;
  h.last_change = 1800000100;
  h.unannounced_change_since = 1800000100;
  h.mode = "enforce";
  h.mode_since = 1790000000;
  return {{"example.com", h}, {"example.org", probe::PolicyHistory{.id = "x", .body_sha256 = "b"}}};
}

TEST_F(StateFile, SavesAndLoadsEveryField) {
  ASSERT_EQ(save_state(dir_, sample()), "");
  std::string problem;
  EXPECT_EQ(load_state(dir_, problem), sample());
  EXPECT_EQ(problem, "");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/state.json.tmp"));
}

TEST_F(StateFile, AMissingFileIsAFreshStart) {
  std::string problem;
  EXPECT_TRUE(load_state(dir_, problem).empty());
  EXPECT_EQ(problem, "");
}

TEST_F(StateFile, ACorruptFileIsReportedAndIgnored) {
  write("{\"version\": 1, \"domains\": {\"example.com\": {\"id\": ");
  std::string problem;
  EXPECT_TRUE(load_state(dir_, problem).empty());
  EXPECT_NE(problem.find("not a JSON object"), std::string::npos) << problem;
  EXPECT_NE(problem.find(dir_), std::string::npos) << problem;
}

TEST_F(StateFile, AnotherFormatVersionIsIgnored) {
  write(R"({"version": 7, "domains": {}})");
  std::string problem;
  EXPECT_TRUE(load_state(dir_, problem).empty());
  EXPECT_NE(problem.find("format version 7"), std::string::npos) << problem;
}

TEST_F(StateFile, MalformedEntriesAreSkippedAndTheRestKept) {
  write(R"({"version": 1, "domains": {
    "good.example": {"id": "1", "body_sha256": "ab", "first_seen": 1, "last_change": 2},
    "bad.example": {"id": 5}}})");
  std::string problem;
  const auto histories = load_state(dir_, problem);
  ASSERT_EQ(histories.size(), 1u);
  EXPECT_EQ(histories.at("good.example").last_change, 2);
  EXPECT_NE(problem.find("skipped 1 malformed"), std::string::npos) << problem;
}

TEST_F(StateFile, AnUnwritableDirectoryIsAnErrorMessage) {
  const auto message = save_state(dir_ + "/missing/dir", sample());
  EXPECT_NE(message.find("cannot create"), std::string::npos) << message;
}

}  // namespace
}  // namespace mtasts::state
