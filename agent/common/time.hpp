/// @file
/// @brief Times as the agent writes them: RFC 3339 in UTC, everywhere (JSON, logs, the status
/// page, finding messages).
#pragma once

#include <chrono>
#include <ctime>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace mtasts {

/// "2026-11-27T19:00:00Z".
std::string rfc3339(std::time_t time);

/// With milliseconds, for log lines: "2026-11-27T19:00:00.123Z".
std::string rfc3339_millis(std::chrono::system_clock::time_point time);

/// The UTC date alone: "2026-11-27".
std::string utc_date(std::time_t time);

/// Reads an RFC 3339 date-time ("2026-11-27T19:00:00Z", "2026-11-27T21:00:00.5+02:00"; 't', 'z'
/// and a space for 'T' too, as §5.6 allows) as seconds since the epoch, the fraction dropped;
/// says what is wrong otherwise.
Result<std::time_t> parse_rfc3339(std::string_view text);

}  // namespace mtasts
