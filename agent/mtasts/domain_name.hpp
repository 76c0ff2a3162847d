/// @file
/// @brief Syntax of host names as RFC 5321 §4.1.2 `Domain` defines them (LDH labels).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace mtasts {

/// Succeeds when `name` is an RFC 5321 Domain; otherwise says why not, naming the mistakes
/// operators make: a trailing dot, an empty label, an IP address, an underscore, a U-label
/// instead of an A-label (xn--), a label or name that is too long.
Result<void> validate_domain_name(std::string_view name);

/// A name as the agent compares and keeps it: ASCII lower case, without the root's trailing
/// dot ("Example.COM." -> "example.com").
std::string canonical_name(std::string_view name);

/// True for dotted-quad IPv4, bracketed address literals and anything with a ':' (IPv6).
bool looks_like_ip_address(std::string_view name) noexcept;

}  // namespace mtasts
