#include "common/time.hpp"

#include <fmt/format.h>

namespace mtasts {
namespace {

std::string format_utc(std::time_t time, const char* format) {
  std::tm tm{};
  gmtime_r(&time, &tm);
  char buffer[32];
  const std::size_t n = std::strftime(buffer, sizeof buffer, format, &tm);
  return std::string(buffer, n);
}

}  // namespace

std::string rfc3339(std::time_t time) {
  return format_utc(time, "%Y-%m-%dT%H:%M:%SZ");
}

std::string rfc3339_millis(std::chrono::system_clock::time_point time) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count() % 1000;
  return fmt::format("{}.{:03d}Z",
                     format_utc(std::chrono::system_clock::to_time_t(time), "%Y-%m-%dT%H:%M:%S"),
                     static_cast<int>(millis));
}

std::string utc_date(std::time_t time) {
  return format_utc(time, "%Y-%m-%d");
}

}  // namespace mtasts
