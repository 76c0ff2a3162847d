#include "scheduler/timing.hpp"

#include <algorithm>

#include "scheduler/shard.hpp"

namespace mtasts::scheduler {

Millis phase_of(std::string_view domain, Millis interval) noexcept {
  if (interval.count() <= 0) return Millis(0);
  // A different mix of the hash than shard_of uses, so one shard's domains still spread
  // over the whole interval.
  const std::uint64_t h = stable_hash(domain) * 0x9E3779B97F4A7C15ULL;
  return Millis(
      static_cast<std::int64_t>((h >> 11) % static_cast<std::uint64_t>(interval.count())));
}

Millis next_due(std::string_view domain, Millis last_start, Millis interval,
                Millis jitter) noexcept {
  if (interval.count() <= 0) return last_start + jitter;
  const Millis earliest = last_start + interval / 2;
  const Millis phase = phase_of(domain, interval);
  // The first time t >= earliest with t ≡ phase (mod interval).
  const std::int64_t n = interval.count();
  const std::int64_t offset = ((phase.count() - earliest.count()) % n + n) % n;
  return earliest + Millis(offset) + jitter;
}

Millis next_due_after_failure(std::string_view domain, Millis last_start, Millis interval,
                              Millis retry_after, Millis jitter) noexcept {
  const Millis regular = next_due(domain, last_start, interval, jitter);
  const Millis retry = last_start + retry_after + jitter;
  return regular >= last_start + retry_after ? std::min(regular, retry) : retry;
}

Millis max_jitter(Millis interval) noexcept {
  return std::min<Millis>(interval / 20, std::chrono::minutes(1));
}

}  // namespace mtasts::scheduler
