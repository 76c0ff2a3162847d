/// @file
/// @brief Durations in the Prometheus grammar ("30s", "5m", "1h30m", "500ms", "2w"), as
/// users write them in every other Prometheus tool.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mtasts {

/// Parses y, w, d, h, m, s, ms parts in that order, each at most once ("0" alone is zero).
/// nullopt when the text does not follow the grammar or overflows.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// The shortest Prometheus form: 90000 ms -> "1m30s".
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace mtasts
