// The scheduler on a real event loop with a stand-in check: the cap on concurrent checks,
// the first round, retries, reloads, and draining at shutdown.
#include "scheduler/scheduler.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <asio/post.hpp>
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

// Judged against the scheduler's own due times, not the wall clock: each check starts no
// sooner than it was due, and the next due time follows the rules of scheduler/timing.hpp
// (whose arithmetic timing_test.cpp covers). A loaded machine makes timers late, not wrong.
TEST(Scheduler, ChecksRepeatEveryIntervalAndFailuresAfterTheRetryDelay) {
  using SystemClock = std::chrono::system_clock;
  asio::io_context io;
  std::map<std::string, std::vector<SystemClock::time_point>> starts;
  // The due time set when each check ended: sampled once the scheduler has run on.
  std::map<std::string, std::vector<SystemClock::time_point>> dues;
  Scheduler* self = nullptr;
  Scheduler scheduler(io.get_executor(), 10, [&](std::string domain) -> asio::awaitable<bool> {
    starts[domain].push_back(SystemClock::now());
    co_await sleep_for(1ms);
    asio::post(io, [&, domain] { dues[domain].push_back(self->due(domain).value()); });
    co_return domain == "d1.example";  // d1 fails
  });
  self = &scheduler;
  // d0 healthy with a 400 ms interval; d1 failing, retried after 300 ms despite a 1 h interval.
  scheduler.set_targets({{"d0.example", 400ms, 5min}, {"d1.example", 1h, 300ms}});
  scheduler.start();
  support::run_awaitable<int>(io, [&]() -> asio::awaitable<int> {
    while (dues["d0.example"].size() < 4 || dues["d1.example"].size() < 4) co_await sleep_for(10ms);
    co_return 0;
  });
  for (const std::string domain : {"d0.example", "d1.example"}) {
    const auto& start = starts[domain];
    const auto& due = dues[domain];
    ASSERT_GE(due.size(), 4u) << domain;
    // Never early (due times are whole milliseconds).
    for (std::size_t i = 1; i < due.size(); ++i) EXPECT_GE(start[i], due[i - 1] - 1ms) << domain;
  }
  // A failure is retried 300 ms after the check started, plus at most 1/20 of it as jitter.
  for (std::size_t i = 0; i < dues["d1.example"].size(); ++i) {
    const auto wait = dues["d1.example"][i] - starts["d1.example"][i];
    EXPECT_GE(wait, 299ms);
    EXPECT_LE(wait, 316ms);
  }
  // A success: the domain's next slot on its fixed phase, so successive due times are one
  // interval apart, give or take the jitter (at most 1/20 of it).
  const auto& d0 = dues["d0.example"];
  for (std::size_t i = 1; i < d0.size(); ++i) {
    EXPECT_GE(d0[i] - d0[i - 1], 380ms);
    EXPECT_LE(d0[i] - d0[i - 1], 420ms);
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
