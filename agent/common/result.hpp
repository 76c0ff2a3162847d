/// @file
/// @brief The one way a fallible call says why it failed: `Result<T>` holds the value or
/// the error (by default a message for a person; a Finding or a list of ConfigErrors where
/// the caller needs more). tl::expected (Debian's libexpected-dev) is C++23's std::expected
/// for C++20, so moving to the standard later is a rename.
#pragma once

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace mtasts {

template <class T, class E = std::string>
using Result = tl::expected<T, E>;

/// The failed Result: `return failure("cannot read " + path);`.
template <class E>
auto failure(E&& error) {
  return tl::make_unexpected(std::forward<E>(error));
}

/// A literal message becomes a std::string (make_unexpected alone would keep a char pointer).
inline auto failure(const char* message) {
  return tl::make_unexpected(std::string(message));
}

}  // namespace mtasts
