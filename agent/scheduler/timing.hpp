/// @file
/// @brief When a domain's next check is due. Pure arithmetic on Unix milliseconds, so it is
/// unit-testable and the same on every replica and after every restart.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace mtasts::scheduler {

using Millis = std::chrono::milliseconds;

/// The domain's fixed place in every interval: a stable hash spreads domains evenly over
/// the interval, so a fleet's checks do not bunch up after the first round.
Millis phase_of(std::string_view domain, Millis interval) noexcept;

/// After a successful check that started at `last_start` (Unix ms): the first time at the
/// domain's phase that is at least half an interval later, plus `jitter` (the caller's
/// random share). So the second check comes 0.5 to 1.5 intervals after the first, and every
/// later one exactly one interval apart.
Millis next_due(std::string_view domain, Millis last_start, Millis interval,
                Millis jitter) noexcept;

/// After a failed check: `retry_after` later (RFC 8461 §3.3: no sooner than 5 minutes by
/// default), unless the regular slot comes first and is not sooner than that.
Millis next_due_after_failure(std::string_view domain, Millis last_start, Millis interval,
                              Millis retry_after, Millis jitter) noexcept;

/// The most jitter to add: a twentieth of the interval, at most a minute.
Millis max_jitter(Millis interval) noexcept;

}  // namespace mtasts::scheduler
