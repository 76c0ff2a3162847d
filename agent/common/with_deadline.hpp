/// @file
/// @brief Bounds an awaitable by a point in time: its result, or nullopt when the deadline
/// came first (the operation is then cancelled through its cancellation slot).
#pragma once

#include <asio/awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <optional>

namespace mtasts {

/// `operation` must not throw for expected failures (asio#900: `||` with a throwing
/// operation loses the exception), and must honour cancellation.
template <class T>
asio::awaitable<std::optional<T>> with_deadline(asio::awaitable<T> operation,
                                                asio::steady_timer::time_point deadline) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
  auto result = co_await (std::move(operation) ||
                          timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable)));
  if (result.index() == 0) co_return std::move(std::get<0>(result));
  co_return std::nullopt;
}

/// The same for an operation without a result (one that records its progress as it goes,
/// so that a cut-short probe still says how far it got): true when it finished in time.
inline asio::awaitable<bool> with_deadline(asio::awaitable<void> operation,
                                           asio::steady_timer::time_point deadline) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
  auto result = co_await (std::move(operation) ||
                          timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable)));
  co_return result.index() == 0;
}

}  // namespace mtasts
