#include "probe/port25_egress.hpp"

namespace mtasts::probe {

std::string_view to_string(Port25Egress egress) noexcept {
  switch (egress) {
    case Port25Egress::unproven: return "unproven";
    case Port25Egress::working: return "working";
    case Port25Egress::blocked: return "blocked";
  }
  return "unproven";
}

void Port25EgressMonitor::record_attempt(bool reached, Clock::time_point now) {
  if (reached) {
    if (!last_reached_ || *last_reached_ < now) last_reached_ = now;
    failing_since_.reset();
  } else if (!failing_since_) {
    failing_since_ = now;
  }
}

void Port25EgressMonitor::record_canaries(bool any_reached, Clock::time_point now) {
  canary_reached_ = any_reached;
  if (any_reached) record_attempt(true, now);
}

Port25Egress Port25EgressMonitor::state(Clock::time_point now) const {
  const bool reached_this_round = last_reached_ && now - *last_reached_ <= round_;
  if (reached_this_round || canary_reached_.value_or(false)) return Port25Egress::working;
  if (canary_reached_.has_value()) return Port25Egress::blocked;  // every canary failed
  if (failing_since_ && now - *failing_since_ >= round_) return Port25Egress::blocked;
  // Something came back once and nothing since says otherwise (a quiet round, or failures
  // for less than a round).
  if (last_reached_) return Port25Egress::working;
  return Port25Egress::unproven;
}

Port25Egress Port25EgressMonitor::state_after_run() const {
  if (last_reached_ || canary_reached_.value_or(false)) return Port25Egress::working;
  if (failing_since_ || canary_reached_.has_value()) return Port25Egress::blocked;
  return Port25Egress::unproven;
}

}  // namespace mtasts::probe
