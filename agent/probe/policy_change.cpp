#include "probe/policy_change.hpp"

#include <fmt/format.h>

#include "common/time.hpp"
#include "mtasts/text.hpp"

namespace mtasts::probe {
namespace {

std::string short_hash(const std::string& sha256) {
  return sha256.substr(0, 12);
}

}  // namespace

PolicyChange detect_policy_change(const std::optional<PolicyHistory>& previous,
                                  const DomainReport& report, bool look_completed,
                                  std::int64_t now) {
  const bool complete = report.sts_record.valid && report.sts_record.id &&
                        report.policy.parsed.has_value() && !report.policy.body_sha256.empty();
  if (!complete) {
    PolicyHistory next = previous.value_or(PolicyHistory{});
    // Gone, as far as a look that completed can tell (a DNS failure is not "gone"): senders
    // that cached the policy keep it for max_age from when they last could fetch it.
    if (!next.id.empty() && next.gone_since == 0 && look_completed) {
      next.gone_since = now;
      next.previous_expiry = now + next.max_age;
    }
    return {std::move(next), {}};
  }

  const std::string& id = *report.sts_record.id;
  const std::string& body = report.policy.body_sha256;
  const auto& mode = report.policy.parsed->mode;
  const std::string mode_name = mode ? std::string(to_string(*mode)) : std::string();
  PolicyHistory next;
  const auto max_age = static_cast<std::int64_t>(report.policy.parsed->max_age.value_or(0));
  if (!previous || previous->id.empty()) {
    next.id = id;
    next.body_sha256 = body;
    next.first_seen = next.last_change = next.mode_since = now;
    next.mode = mode_name;
    next.max_age = max_age;
    return {std::move(next), {}};
  }
  next = *previous;
  // Back after a disappearance: the horizon that the disappearance started no longer holds.
  if (previous->gone_since != 0 &&
      previous->previous_expiry == previous->gone_since + previous->max_age) {
    next.previous_expiry = 0;
  }
  next.gone_since = 0;
  if (next.mode != mode_name) {
    next.mode = mode_name;
    next.mode_since = now;
  }
  const bool id_changed = previous->id != id;
  const bool body_changed = previous->body_sha256 != body;
  if (id_changed || body_changed) {
    // Senders that fetched the old policy up to now keep it for its max_age (§8.3).
    next.previous_expiry = now + previous->max_age;
    next.id = id;
    next.body_sha256 = body;
    next.first_seen = now;
    next.last_change = now;
  }
  next.max_age = max_age;
  // A new id for an unchanged body is needless, unless it announces an earlier change.
  const bool announces_change = previous->unannounced_change_since != 0;
  if (id_changed) next.unannounced_change_since = 0;
  if (body_changed && !id_changed && next.unannounced_change_since == 0) {
    next.unannounced_change_since = now;
  }
  if (id_changed && !body_changed && !announces_change) next.needless_id_change_at = now;
  if (body_changed) next.needless_id_change_at = 0;
  if (next.needless_id_change_at != 0 &&
      now - next.needless_id_change_at >= kNeedlessIdChangeShownSeconds) {
    next.needless_id_change_at = 0;
  }

  const std::string subject = "_mta-sts." + report.domain;
  std::vector<Finding> findings;
  if (next.unannounced_change_since != 0) {
    findings.push_back(make_finding(
        FindingCode::policy_changed_without_id_change, subject,
        fmt::format("the policy changed on {} (sha256 now {}…) but the TXT id is still {}; "
                    "senders that cached the old policy keep it until max_age ends",
                    rfc3339(next.unannounced_change_since), short_hash(body), in_quotes(id))));
  }
  if (next.needless_id_change_at != 0) {
    findings.push_back(make_finding(
        FindingCode::id_changed_policy_unchanged, subject,
        fmt::format("the TXT id changed to {} on {} while the policy stayed the same (sha256 "
                    "{}…)",
                    in_quotes(id), rfc3339(next.needless_id_change_at), short_hash(body))));
  }
  return {std::move(next), std::move(findings)};
}

}  // namespace mtasts::probe
