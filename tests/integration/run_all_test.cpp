// run_all under cancellation: a check that is cancelled (shutdown, a future per-check
// deadline) must not return while its tasks still write into its report.
#include "common/run_all.hpp"

#include <gtest/gtest.h>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <memory>

namespace mtasts {
namespace {

using namespace std::chrono_literals;

/// Waits `delay` (cancellation cannot cut it short), then writes into `report`.
asio::awaitable<void> slow_writer(std::shared_ptr<int> report, std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(asio::bind_cancellation_slot(
      asio::cancellation_slot(), asio::experimental::as_tuple(asio::use_awaitable)));
  ++*report;
}

/// A check: its report lives in this frame; the tasks write into it.
asio::awaitable<void> check(std::shared_ptr<int> report, bool& returned_with_tasks_done) {
  std::vector<asio::awaitable<void>> tasks;
  for (auto delay : {50ms, 100ms, 150ms}) tasks.push_back(slow_writer(report, delay));
  co_await run_all(std::move(tasks));
  returned_with_tasks_done = *report == 3;
  co_return;
}

TEST(RunAll, ACancelledCallerStillWaitsForEveryTask) {
  asio::io_context io;
  auto report = std::make_shared<int>(0);
  bool returned_with_tasks_done = false;
  bool finished = false;
  asio::cancellation_signal cancel;
  asio::co_spawn(
      io, check(report, returned_with_tasks_done),
      asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr) { finished = true; }));
  asio::steady_timer soon(io, 10ms);
  soon.async_wait([&](std::error_code) { cancel.emit(asio::cancellation_type::all); });
  io.run_for(5s);
  EXPECT_TRUE(finished);
  EXPECT_EQ(*report, 3);
  // run_all returned only after the last task wrote (it used to throw at once).
  EXPECT_TRUE(returned_with_tasks_done);
}

TEST(RunAll, RethrowsTheFirstFailureAfterAllTasksEnd) {
  asio::io_context io;
  auto report = std::make_shared<int>(0);
  std::exception_ptr failure;
  auto failing = []() -> asio::awaitable<void> {
    throw std::runtime_error("task failed");
    co_return;
  };
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        std::vector<asio::awaitable<void>> tasks;
        tasks.push_back(failing());
        tasks.push_back(slow_writer(report, 50ms));
        co_await run_all(std::move(tasks));
      },
      [&](std::exception_ptr e) { failure = e; });
  io.run_for(5s);
  ASSERT_TRUE(failure);
  EXPECT_EQ(*report, 1);
}

}  // namespace
}  // namespace mtasts
