/// @file
/// @brief The MTA-STS policy file served at https://mta-sts.<domain>/.well-known/mta-sts.txt
/// (RFC 8461 §3.2).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/finding.hpp"
#include "mtasts/policy_mode.hpp"
#include "mtasts/tag_value_record.hpp"

namespace mtasts {

/// RFC 8461 §3.3 suggests 64 kilobytes as the largest policy senders need to accept.
inline constexpr std::size_t kMaxPolicyBytes = 64 * 1024;
/// RFC 8461 §3.2: max_age has "a maximum value of 31557600" (one year).
inline constexpr std::uint64_t kMaxMaxAge = 31557600;
/// Below one week, max_age draws policy_max_age_short (the RFC expects "weeks or greater").
inline constexpr std::uint64_t kShortMaxAge = 7 * 24 * 3600;
/// Below this, policy_max_age_short is a warning; from here up to kShortMaxAge, advice.
inline constexpr std::uint64_t kOneDayMaxAge = 24 * 3600;

using PolicyField = TagValueField;

struct Policy {
  bool valid = false;  ///< senders would apply this policy
  std::optional<std::string> version;
  std::optional<Mode> mode;
  std::optional<std::uint64_t> max_age;
  std::vector<std::string> mx;          ///< the valid mx patterns, policy order
  std::vector<PolicyField> extensions;  ///< unknown fields, first of each name
  std::vector<Finding> findings;
};

/// Parses a policy body. Never throws for bad input: every problem is a finding, and the
/// fields that parsed are filled in even when the policy is invalid. `subject` names the
/// policy in findings (the policy host, or a file name for `lint`).
Policy parse_policy(std::string_view body, std::string_view subject);

}  // namespace mtasts
