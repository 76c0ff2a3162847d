/// @file
/// @brief Runs each domain's check on its schedule (README, "`serve`"): at start every
/// domain once as fast as the concurrency cap allows, then once per interval at the domain's
/// phase with jitter, a failed check again after the retry delay. Knows no protocol: the
/// check itself is a function it is given. Runs on one event loop, like everything else.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace mtasts::scheduler {

struct ScheduledTarget {
  std::string domain;
  std::chrono::milliseconds interval{15 * 60 * 1000};
  std::chrono::milliseconds retry_after{5 * 60 * 1000};
};

/// Checks the domain; returns true when the check failed (and is to be retried sooner).
using CheckFunction = std::function<asio::awaitable<bool>(std::string domain)>;

class Scheduler {
 public:
  Scheduler(asio::any_io_executor executor, std::size_t concurrency, CheckFunction check);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Replaces the set of targets: new domains are due now, removed ones are dropped (a
  /// running check of one finishes, and is not rescheduled), the others keep their place.
  void set_targets(const std::vector<ScheduledTarget>& targets);
  void set_concurrency(std::size_t concurrency);

  void start();
  /// Starts no more checks. Running ones continue; wait for them with drain().
  void stop();
  /// Waits until no check runs or `deadline` passes; returns the checks still running.
  asio::awaitable<std::size_t> drain(std::chrono::steady_clock::time_point deadline);

  std::size_t in_flight() const noexcept { return in_flight_; }
  std::size_t concurrency() const noexcept { return concurrency_; }
  std::size_t size() const noexcept { return entries_.size(); }
  /// How long the most overdue waiting domain has been due, in seconds (0: none is late).
  double lag_seconds() const;
  /// When the domain's next check is due, or nullopt (unknown domain, or running now).
  std::optional<std::chrono::system_clock::time_point> due(const std::string& domain) const;

 private:
  using Clock = std::chrono::system_clock;
  struct Entry {
    ScheduledTarget target;
    Clock::time_point due;
    bool running = false;
  };

  asio::awaitable<void> dispatch();
  asio::awaitable<void> run_check(std::string domain);
  void enqueue(const std::string& domain, Clock::time_point due);
  void wake();

  asio::any_io_executor executor_;
  std::size_t concurrency_;
  CheckFunction check_;
  std::map<std::string, Entry> entries_;
  std::set<std::pair<Clock::time_point, std::string>> queue_;  ///< waiting entries by due time
  std::size_t in_flight_ = 0;
  bool started_ = false;
  bool stopped_ = false;
  bool wake_pending_ = false;
  asio::steady_timer wake_timer_;
  asio::steady_timer idle_timer_;  ///< cancelled when the last running check ends
  std::mt19937_64 random_{std::random_device{}()};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace mtasts::scheduler
