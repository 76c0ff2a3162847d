/// @file
/// @brief UTF-8 validation and repair for text from outside that must reach a format which
/// demands UTF-8: JSON, Prometheus label values, log lines.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mtasts {

/// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view s) noexcept;
/// The length of the well-formed UTF-8 sequence that starts at `s[at]` (1 for ASCII), or 0
/// when none does. `at` must be inside `s`.
std::size_t utf8_sequence_length(std::string_view s, std::size_t at) noexcept;
/// U+FFFD, which stands in for each byte that starts no well-formed sequence.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";
/// `s` with each such byte replaced by U+FFFD.
std::string valid_utf8(std::string_view s);
/// Appends `text` to `out` the same way, each ASCII byte through `ascii(out, c)` (a format's
/// escaping), the other sequences as they are.
template <class AsciiWriter>
void append_valid_utf8(std::string& out, std::string_view text, AsciiWriter&& ascii) {
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ascii(out, text[i]);
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out += kReplacementCharacter;
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
}

}  // namespace mtasts
