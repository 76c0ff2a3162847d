// Runs a program as a user would, with its output captured through files (so a large
// output cannot deadlock the test), and returns its exit code and output.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace mtasts::support {

struct ProcessRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Starts `program` with `args`, its standard input, output and error from/to the files
/// given; the child's pid, or 0 when it could not be started.
inline pid_t spawn_process(const std::string& program, const std::vector<std::string>& args,
                           const std::string& in, const std::string& out, const std::string& err,
                           int out_flags = O_TRUNC) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | out_flags, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | out_flags, 0600);
  std::vector<std::string> storage{program};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ) != 0) pid = 0;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

inline ProcessRun run_process(const std::string& program, const std::vector<std::string>& args,
                              const std::string& input = "") {
  namespace fs = std::filesystem;
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const fs::path dir =
      fs::temp_directory_path() / ("mtasts-run-" + std::to_string(getpid()) + "-" + test->name());
  fs::create_directories(dir);
  std::ofstream(dir / "in", std::ios::binary) << input;
  ProcessRun run;
  if (const pid_t pid = spawn_process(program, args, dir / "in", dir / "out", dir / "err")) {
    int status = 0;
    waitpid(pid, &status, 0);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  run.out = slurp(dir / "out");
  run.err = slurp(dir / "err");
  fs::remove_all(dir);
  return run;
}

}  // namespace mtasts::support
