// A check judged and stored as the daemon does it, for tests of what reads the store.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "probe/evaluate.hpp"
#include "state/domain_store.hpp"

namespace mtasts::support {

/// Evaluates `facts` at `now` (Unix seconds) against the domain's stored policy history and
/// stores the result with the history evaluate() returned.
inline std::shared_ptr<const probe::DomainReport> record_check(state::DomainStore& store,
                                                               probe::DomainReport facts,
                                                               std::int64_t now) {
  probe::EvaluationOptions options;
  options.now = std::chrono::system_clock::from_time_t(now);
  if (const auto* entry = store.find(facts.domain)) options.previous = entry->history;
  probe::PolicyHistory history = probe::evaluate(facts, options);
  return store.record(std::move(facts), std::move(history));
}

}  // namespace mtasts::support
