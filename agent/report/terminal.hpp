/// @file
/// @brief Human-readable output: severity colours (only on a terminal) and finding lines.
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "mtasts/finding.hpp"

namespace mtasts::report {

enum class ColorChoice { automatic, always, never };

/// Colours for `auto` when `fd` is a terminal and NO_COLOR (no-color.org) is unset.
bool use_color(ColorChoice choice, int fd);

enum class Tone { plain, good, bad, warn, note, dim };

/// `text` wrapped in the ANSI colour for `tone` when `color` is on. `text` must already be
/// safe to print (see mtasts::printable).
std::string paint(bool color, Tone tone, std::string_view text);

Tone tone_of(Severity severity) noexcept;

/// One line per finding, errors first, each with its code and RFC section:
///   error    policy_mode_invalid     line 2: mode is "enforcing"; ...  [RFC 8461 §3.2]
void print_findings(std::ostream& out, std::span<const Finding> findings, bool color);

}  // namespace mtasts::report
