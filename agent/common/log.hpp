/// @file
/// @brief Structured log lines to stderr in the style of Prometheus' own exporters:
/// `ts=... level=info msg="..." key=value` (logfmt) or one JSON object per line.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mtasts::log {

enum class Level : std::uint8_t { debug, info, warn, error };
enum class Format : std::uint8_t { logfmt, json };

std::optional<Level> level_from_name(std::string_view name) noexcept;
std::optional<Format> format_from_name(std::string_view name) noexcept;

using Field = std::pair<std::string_view, std::string>;

/// One line, without the trailing newline (pure: for tests).
std::string format_line(Format format, std::string_view timestamp, Level level,
                        std::string_view message, std::initializer_list<Field> fields);

/// Where lines go and which are kept. Not thread-safe: the agent logs from its event loop.
void configure(Level level, Format format, std::ostream* out = nullptr);
bool enabled(Level level) noexcept;
void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::debug, m, f);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::info, m, f);
}
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::warn, m, f);
}
inline void error(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::error, m, f);
}

/// The completion handler for a coroutine spawned on its own (`co_spawn(ex, task(),
/// log::on_exception("task"))`): an exception that ends it is logged as an error naming
/// `what`, where asio::detached would drop it without a trace.
std::function<void(std::exception_ptr)> on_exception(std::string what);

/// The message of the exception in flight (inside a catch block), for a log field.
std::string current_exception_message();

}  // namespace mtasts::log
