/// @file
/// @brief The three policy modes of RFC 8461 §5.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mtasts {

enum class Mode : std::uint8_t { enforce, testing, none };

std::string_view to_string(Mode mode) noexcept;

/// Parses a policy `mode` value. Case-sensitive, as the ABNF's %s"..." strings are (§3.2).
std::optional<Mode> parse_mode(std::string_view value) noexcept;

}  // namespace mtasts
