// The scheduler on a real event loop with a stand-in check: the cap on concurrent checks,
// the first round, retries, reloads, and draining at shutdown.
#include "scheduler/scheduler.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <map>

#include "run_awaitable.hpp"

namespace mtasts::scheduler {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  co_await timer.async_wait(asio::use_awaitable);
}

/// A stand-in check that takes `duration`, remembers when each domain ran, and fails the
/// domains in `failing`.
struct Recorder {
  std::chrono::milliseconds duration{50};
  std::set<std::string> failing;
  std::size_t running = 0;
  std::size_t most_running = 0;
  std::map<std::string, std::vector<Clock::time_point>> starts;

  CheckFunction function() {
    return [this](std::string domain) -> asio::awaitable<bool> {
      starts[domain].push_back(Clock::now());
      most_running = std::max(most_running, ++running);
      co_await sleep_for(duration);
      --running;
      co_return failing.contains(domain);
    };
  }
};

std::vector<ScheduledTarget> targets(int n, std::chrono::milliseconds interval,
                                     std::chrono::milliseconds retry = 5min) {
  std::vector<ScheduledTarget> out;
  for (int i = 0; i < n; ++i) out.push_back({fmt::format("d{}.example", i), interval, retry});
  return out;
}

TEST(Scheduler, FirstRoundChecksEveryDomainNeverAboveTheCap) {
  asio::io_context io;
  Recorder recorder;
  Scheduler scheduler(io.get_executor(), 4, recorder.function());
  scheduler.set_targets(targets(40, 1h));
  scheduler.start();
  support::run_awaitable<int>(io, [&]() -> asio::awaitable<int> {
    while (recorder.starts.size() < 40 || recorder.running > 0) co_await sleep_for(10ms);
    co_return 0;
  });
  EXPECT_EQ(recorder.starts.size(), 40u);
  EXPECT_EQ(recorder.most_running, 4u);  // used the cap, never more
  for (const auto& [domain, times] : recorder.starts) EXPECT_EQ(times.size(), 1u) << domain;
  EXPECT_EQ(scheduler.in_flight(), 0u);
  // Each next check is at least half an interval away.
  for (const auto& target : targets(40, 1h)) {
    const auto due = scheduler.due(target.domain);
    ASSERT_TRUE(due);
    EXPECT_GE(*due - std::chrono::system_clock::now(), 29min);
  }
}

TEST(Scheduler, ChecksRepeatEveryIntervalAndFailuresAfterTheRetryDelay) {
  asio::io_context io;
  Recorder recorder;
  recorder.duration = 1ms;
  recorder.failing = {"d1.example"};
  Scheduler scheduler(io.get_executor(), 10, recorder.function());
  // d0 healthy with a 400 ms interval; d1 failing, retried after 300 ms despite a 1 h interval.
  scheduler.set_targets({{"d0.example", 400ms, 5min}, {"d1.example", 1h, 300ms}});
  scheduler.start();
  support::run_awaitable<int>(io, [&]() -> asio::awaitable<int> {
    co_await sleep_for(1700ms);
    co_return 0;
  });
  const auto& d0 = recorder.starts["d0.example"];
  const auto& d1 = recorder.starts["d1.example"];
  ASSERT_GE(d0.size(), 3u);
  ASSERT_GE(d1.size(), 3u);
  // The scheduler measures from just before it calls the check, the recorder from inside it:
  // a few microseconds apart.
  for (std::size_t i = 1; i < d1.size(); ++i) EXPECT_GE(d1[i] - d1[i - 1], 299ms);
  for (std::size_t i = 2; i < d0.size(); ++i) {
    // Steady state: one interval apart, give or take the jitter (at most 1/20). Timers
    // never fire early; on a loaded machine (sanitizers, ctest -j2) they fire late, so the
    // upper bound leaves 230 ms of slack and still fails a doubled interval (760 ms).
    EXPECT_GE(d0[i] - d0[i - 1], 380ms);
    EXPECT_LE(d0[i] - d0[i - 1], 650ms);
  }
}

TEST(Scheduler, ReloadAddsAndRemovesWithoutDisturbingTheOthers) {
  asio::io_context io;
  Recorder recorder;
  recorder.duration = 1ms;
  Scheduler scheduler(io.get_executor(), 10, recorder.function());
  scheduler.set_targets(targets(3, 1h));
  scheduler.start();
  support::run_awaitable<int>(io, [&]() -> asio::awaitable<int> {
    co_await sleep_for(100ms);
    const auto kept_due = scheduler.due("d1.example");
    scheduler.set_targets({{"d1.example", 1h, 5min}, {"new.example", 1h, 5min}});
    co_await sleep_for(100ms);
    EXPECT_EQ(scheduler.due("d1.example"), kept_due);
    EXPECT_FALSE(scheduler.due("d0.example"));  // removed
    co_return 0;
  });
  EXPECT_EQ(recorder.starts["new.example"].size(), 1u);
  EXPECT_EQ(recorder.starts["d1.example"].size(), 1u);
  EXPECT_EQ(scheduler.size(), 2u);
}

TEST(Scheduler, StopStartsNothingNewAndDrainWaitsForRunningChecks) {
  asio::io_context io;
  Recorder recorder;
  recorder.duration = 300ms;
  Scheduler scheduler(io.get_executor(), 2, recorder.function());
  scheduler.set_targets(targets(6, 1h));
  scheduler.start();
  const auto left = support::run_awaitable<std::size_t>(io, [&]() -> asio::awaitable<std::size_t> {
    co_await sleep_for(50ms);
    scheduler.stop();
    const auto short_wait = co_await scheduler.drain(Clock::now() + 10ms);
    EXPECT_EQ(short_wait, 2u);  // still running after 10 ms
    co_return co_await scheduler.drain(Clock::now() + 5s);
  });
  EXPECT_EQ(left, 0u);
  EXPECT_EQ(recorder.starts.size(), 2u);  // the other four never started
}

}  // namespace
}  // namespace mtasts::scheduler
