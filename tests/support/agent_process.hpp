// The agent as a child process, the way operators run it: started with flags, found by
// the address it logs, signalled, and waited for with a deadline.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "http_client.hpp"
#include "run_process.hpp"

namespace mtasts::support {

class AgentProcess {
 public:
  /// Starts `binary` with `args`; stderr (the log) goes to `log_file`.
  AgentProcess(const std::string& binary, const std::vector<std::string>& args,
               std::string log_file)
      : log_file_(std::move(log_file)) {
    pid_ = spawn_process(binary, args, "/dev/null", log_file_, log_file_, O_APPEND);
  }
  ~AgentProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  AgentProcess(const AgentProcess&) = delete;
  AgentProcess& operator=(const AgentProcess&) = delete;

  std::string log() const {
    std::ifstream in(log_file_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  /// Waits until the log says where it listens; the port, or 0 when it exited or took
  /// longer than `timeout`.
  std::uint16_t wait_for_port(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const std::regex listening(R"(msg=listening address=127\.0\.0\.1:(\d+))");
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline && running()) {
      std::smatch m;
      const std::string text = log();
      if (std::regex_search(text, m, listening)) {
        port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
        return port_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return 0;
  }

  std::uint16_t port() const { return port_; }
  /// For an agent started on a port of the test's choosing (a log level that hides
  /// "listening", say).
  void set_port(std::uint16_t port) { port_ = port; }

  HttpResult get(const std::string& target, const std::vector<std::string>& headers = {}) const {
    return http_request("127.0.0.1", port_, "GET", target, headers);
  }
  HttpResult post(const std::string& target) const {
    return http_request("127.0.0.1", port_, "POST", target);
  }
  std::string metrics() const { return get("/metrics").response.body; }

  /// Polls `condition` until it holds or `timeout` passes.
  template <class Condition>
  bool eventually(Condition condition, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return condition();
  }

  void signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
  }

  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      pid_ = 0;
      return false;
    }
    return true;
  }

  /// The exit code, or nullopt when it still runs after `timeout`.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return exit_code_;
  }

 private:
  std::string log_file_;
  pid_t pid_ = 0;
  std::uint16_t port_ = 0;
  std::optional<int> exit_code_;
};

}  // namespace mtasts::support
