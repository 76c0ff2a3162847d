/// @file
/// @brief Change detection across checks (RFC 8461 §8.1): a policy must be published before
/// the TXT record's id changes, and every policy change needs a new id, or senders that cached
/// the old policy keep using it. What one check saw is compared with the domain's history.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probe/domain_report.hpp"

namespace mtasts::probe {

/// What the agent remembers of a domain's policy between checks (and restarts).
struct PolicyHistory {
  std::string id{};              ///< the TXT record's id at the last complete look
  std::string body_sha256{};     ///< the policy body's hash at the last complete look
  std::int64_t first_seen = 0;   ///< Unix seconds: when this id and body were first seen
  std::int64_t last_change = 0;  ///< Unix seconds: when the id or the body last changed
  /// The body changed while the id stayed: since when (0: not so). Cleared when the id
  /// changes, because only then do senders fetch the new policy.
  std::int64_t unannounced_change_since = 0;
  /// The id changed while the body stayed: when (0: not so). Harmless news, shown for a day.
  std::int64_t needless_id_change_at = 0;
  std::string mode{};           ///< the policy's mode at the last complete look
  std::int64_t mode_since = 0;  ///< Unix seconds: since when the policy has had that mode
  std::int64_t max_age = 0;     ///< the policy's max_age at the last complete look
  /// Unix seconds: since when checks (that completed) no longer see the policy; 0 while
  /// they do.
  std::int64_t gone_since = 0;
  /// Unix seconds: until when senders may still apply the policy seen before the latest
  /// change or disappearance (RFC 8461 §8.3: they keep it for max_age after their last
  /// fetch); 0 when nothing changed.
  std::int64_t previous_expiry = 0;
  /// Unix seconds: since when the domain's TLS-RPT record has named an address of this agent
  /// (EvaluationOptions::own_rua), so reports should come; 0 while it does not.
  std::int64_t reports_expected_since = 0;

  friend bool operator==(const PolicyHistory&, const PolicyHistory&) = default;
};

/// How long id_changed_policy_unchanged stays active: it breaks nothing, so it is news
/// rather than a state to fix.
inline constexpr std::int64_t kNeedlessIdChangeShownSeconds = 24 * 3600;

/// What change detection concluded from one check.
struct PolicyChange {
  PolicyHistory history;          ///< what to remember for the next check
  std::vector<Finding> findings;  ///< policy_changed_without_id_change, id_changed_policy_unchanged
};

/// Compares what one check saw with `previous`; part of evaluate(), which owns the verdict.
/// A check that did not see both a valid id and a policy body changes nothing, except that
/// a completed look (`look_completed`: its other findings do not make the verdict unknown)
/// that no longer sees the policy starts the previous policy's expiry horizon.
PolicyChange detect_policy_change(const std::optional<PolicyHistory>& previous,
                                  const DomainReport& report, bool look_completed,
                                  std::int64_t now);

}  // namespace mtasts::probe
