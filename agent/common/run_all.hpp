/// @file
/// @brief Runs a dynamic number of coroutines concurrently on the current executor and
/// waits for all of them (Asio 1.22's parallel_group takes a fixed list only).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <vector>

namespace mtasts {

/// Waits for every task, even when the caller is cancelled meanwhile (the tasks own their
/// deadlines and write into the caller's frame), so nothing outlives what it refers to.
/// Rethrows the first exception.
inline asio::awaitable<void> run_all(std::vector<asio::awaitable<void>> tasks) {
  auto executor = co_await asio::this_coro::executor;
  // A cancelled coroutine throws at its next co_await by default: here that would return
  // while the tasks still run. Wait through it, and restore the caller's setting after.
  const bool throw_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
  co_await asio::this_coro::throw_if_cancelled(false);
  struct State {
    explicit State(asio::any_io_executor ex) : done(std::move(ex)) {}
    std::size_t remaining = 0;
    std::exception_ptr failure;
    asio::steady_timer done;  // cancelled when the last task finishes
  };
  auto state = std::make_shared<State>(executor);
  state->done.expires_at(asio::steady_timer::time_point::max());
  state->remaining = tasks.size();
  for (auto& task : tasks) {
    asio::co_spawn(executor, std::move(task), [state](std::exception_ptr e) {
      if (e && !state->failure) state->failure = e;
      if (--state->remaining == 0) state->done.cancel();
    });
  }
  while (state->remaining > 0) {
    co_await state->done.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  }
  co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
  if (state->failure) std::rethrow_exception(state->failure);
}

}  // namespace mtasts
