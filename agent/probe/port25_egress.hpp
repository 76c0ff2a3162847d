/// @file
/// @brief Whether the agent's own outbound port 25 works, known for the agent as a whole
/// rather than guessed per domain. Clouds block outbound port 25; a domain whose MX hosts all
/// time out then says nothing about the domain. Pure bookkeeping of evidence over time, so
/// the rule is unit-testable without a network.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mtasts::probe {

enum class Port25Egress : std::uint8_t {
  unproven,  ///< no evidence either way yet
  working,   ///< a port-25 connection completed or was refused (a SYN-ACK or an RST came back)
  blocked,   ///< presumed blocked: nothing came back for a whole round, and canaries failed
};

std::string_view to_string(Port25Egress egress) noexcept;

/// Evidence about port-25 egress, from every MX probe of every domain and from the canaries.
///
/// - working: a connection completed or was refused within the last round, or the latest
///   canary run reached a canary;
/// - blocked: every canary of the latest run failed and nothing else came back within the
///   last round; or, without canaries, connection attempts have failed for a whole round with
///   nothing coming back;
/// - unproven: otherwise, before any evidence.
class Port25EgressMonitor {
 public:
  using Clock = std::chrono::system_clock;

  /// `round`: how long "a whole round" is (the daemon's check interval).
  explicit Port25EgressMonitor(std::chrono::milliseconds round) : round_(round) {}

  void set_round(std::chrono::milliseconds round) { round_ = round; }

  /// One port-25 connection attempt: `reached` when it completed or was refused, false when
  /// it timed out or the network was unreachable.
  void record_attempt(bool reached, Clock::time_point now);

  /// One run of the canaries (none configured: never called): whether any answered 220.
  void record_canaries(bool any_reached, Clock::time_point now);
  /// Forgets the canary result (the configuration no longer names canaries).
  void clear_canaries() { canary_reached_.reset(); }

  /// The state at `now`, while the daemon runs.
  Port25Egress state(Clock::time_point now) const;

  /// Whether a connection came back at `since` or later.
  bool reached_since(Clock::time_point since) const {
    return last_reached_ && *last_reached_ >= since;
  }

  /// The state at the end of a one-shot run (`check`), where the run is the round: working
  /// when anything came back, blocked when attempts were made and nothing did.
  Port25Egress state_after_run() const;

 private:
  std::chrono::milliseconds round_;
  std::optional<Clock::time_point> last_reached_;
  std::optional<Clock::time_point> failing_since_;  ///< first failure after the last success
  std::optional<bool> canary_reached_;              ///< the latest canary run
};

}  // namespace mtasts::probe
