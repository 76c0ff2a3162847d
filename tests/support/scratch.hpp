// Files for tests: a fresh scratch directory per test, and the repository's test data.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "run_process.hpp"

namespace mtasts::support {

/// A fresh, empty directory named after the running test (and the process, so parallel runs
/// do not meet), removed when it goes.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix)
      : path_(std::filesystem::temp_directory_path() /
              (prefix + "-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string string() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

/// A file of tests/testdata/, e.g. testdata("tlsrpt/rfc8460-example.json").
inline std::string testdata(const std::string& relative) {
  return slurp(std::filesystem::path(MTASTS_SOURCE_DIR) / "tests/testdata" / relative);
}

}  // namespace mtasts::support
