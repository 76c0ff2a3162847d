#include "common/time.hpp"

#include <fmt/format.h>

#include <cctype>

namespace mtasts {
namespace {

std::string format_utc(std::time_t time, const char* format) {
  std::tm tm{};
  gmtime_r(&time, &tm);
  char buffer[32];
  const std::size_t n = std::strftime(buffer, sizeof buffer, format, &tm);
  return std::string(buffer, n);
}

/// The `count` digits at `at`, or -1.
int digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return -1;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

}  // namespace

Result<std::time_t> parse_rfc3339(std::string_view text) {
  const auto wrong = [&] {
    return failure(fmt::format("'{}' is not an RFC 3339 date-time (like 2026-11-27T19:00:00Z)",
                               text.substr(0, 40)));
  };
  // date-fullyear "-" date-month "-" date-mday "T" time-hour ":" time-minute ":" time-second
  const int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  const int hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return wrong();
  if (text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') return wrong();
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return wrong();
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return wrong();
  }
  std::size_t at = 19;
  if (at < text.size() && text[at] == '.') {  // time-secfrac
    const std::size_t start = ++at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
    if (at == start) return wrong();
  }
  long offset_seconds = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const int offset_hour = digits(text, at + 1, 2), offset_minute = digits(text, at + 4, 2);
    if (offset_hour < 0 || offset_minute < 0 || text[at + 3] != ':' || offset_hour > 23 ||
        offset_minute > 59) {
      return wrong();
    }
    offset_seconds = (text[at] == '+' ? 1 : -1) * (offset_hour * 3600L + offset_minute * 60L);
    at += 6;
  } else {
    return wrong();  // the offset is required
  }
  if (at != text.size()) return wrong();
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second == 60 ? 59 : second;  // a leap second is the second before it
  return timegm(&tm) - offset_seconds;
}

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
