// Runs one coroutine to completion on a fresh io_context with a hard wall-clock guard, so a
// hung test fails instead of blocking CI.
#pragma once

#include <gtest/gtest.h>

#include <asio/awaitable.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <optional>

namespace mtasts::support {

template <class T>
T run_awaitable(asio::io_context& io, std::function<asio::awaitable<T>()> make,
                std::chrono::seconds guard = std::chrono::seconds(30)) {
  std::optional<T> result;
  std::exception_ptr failure;
  bool finished = false;
  asio::co_spawn(io, make(), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result = std::move(value);
    finished = true;
    io.stop();  // servers of the test keep the context busy: stop once the coroutine is done
  });
  io.restart();
  io.run_for(guard);
  io.restart();
  if (failure) std::rethrow_exception(failure);
  if (!finished || !result) {
    ADD_FAILURE() << "the coroutine did not finish within " << guard.count() << " s";
    return T{};
  }
  return std::move(*result);
}

}  // namespace mtasts::support
