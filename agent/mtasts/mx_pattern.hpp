/// @file
/// @brief The `mx` patterns of a policy and how MX host names match them (RFC 8461 §4.1).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace mtasts {

/// Succeeds when `pattern` is a valid policy `mx` value (`["*."] Domain`, RFC 8461 §3.2);
/// otherwise says why not.
Result<void> validate_mx_pattern(std::string_view pattern);

/// RFC 8461 §4.1: case-insensitive; a trailing dot on the host is ignored; a leading "*."
/// matches exactly one whole label ("*.example.com" matches "mail.example.com", not
/// "example.com" nor "a.b.example.com"). Patterns that are not valid match nothing.
bool mx_pattern_matches(std::string_view pattern, std::string_view host);

/// The first pattern (policy order) that matches `host`, or nullopt.
std::optional<std::size_t> find_matching_pattern(std::span<const std::string> patterns,
                                                 std::string_view host);

struct MxCoverage {
  std::string host;
  std::optional<std::string> pattern;  ///< the first pattern that covers the host
};

/// For each host, whether and by which pattern the policy covers it (input order).
std::vector<MxCoverage> mx_coverage(std::span<const std::string> patterns,
                                    std::span<const std::string> hosts);

/// The patterns that match none of `hosts` (policy order).
std::vector<std::string> unused_patterns(std::span<const std::string> patterns,
                                         std::span<const std::string> hosts);

}  // namespace mtasts
