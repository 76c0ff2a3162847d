#include "common/duration.hpp"

#include <array>
#include <cstdint>
#include <limits>

namespace mtasts {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t ms;
};
// Order matters: the grammar takes units from largest to smallest, and "ms" is tried before
// "m" at each position by the parser below.
constexpr std::array<Unit, 7> kUnits = {{{"y", 365LL * 24 * 3600 * 1000},
                                         {"w", 7LL * 24 * 3600 * 1000},
                                         {"d", 24LL * 3600 * 1000},
                                         {"h", 3600LL * 1000},
                                         {"m", 60LL * 1000},
                                         {"s", 1000},
                                         {"ms", 1}}};

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text == "0") return std::chrono::milliseconds(0);
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // units must come in order, each once
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t value = 0;
    const std::size_t digits_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (value > (std::numeric_limits<std::int64_t>::max() - 9) / 10) return std::nullopt;
      value = value * 10 + (text[i] - '0');
      ++i;
    }
    if (i == digits_start) return std::nullopt;
    std::string_view rest = text.substr(i);
    std::size_t unit = kUnits.size();
    if (rest.starts_with("ms")) {
      unit = 6;
    } else {
      for (std::size_t u = 0; u < 6; ++u) {
        if (rest.starts_with(kUnits[u].suffix)) unit = u;
      }
    }
    if (unit == kUnits.size() || unit < next_unit) return std::nullopt;
    if (value > std::numeric_limits<std::int64_t>::max() / kUnits[unit].ms) return std::nullopt;
    const std::int64_t part = value * kUnits[unit].ms;
    if (total > std::numeric_limits<std::int64_t>::max() - part) return std::nullopt;
    total += part;
    i += kUnits[unit].suffix.size();
    next_unit = unit + 1;
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds duration) {
  std::int64_t left = duration.count();
  if (left <= 0) return "0s";
  std::string out;
  for (const auto& unit : kUnits) {
    if (unit.suffix == "w") continue;  // Prometheus prints days, not weeks
    if (left >= unit.ms) {
      out += std::to_string(left / unit.ms);
      out += unit.suffix;
      left %= unit.ms;
    }
  }
  return out;
}

}  // namespace mtasts
