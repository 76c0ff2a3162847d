/// @file
/// @brief Byte-level text helpers shared by the RFC parsers: ASCII classes, case folding,
/// and quoting of untrusted text for messages.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace mtasts {

/// WSP of RFC 5234: space or horizontal tab.
constexpr bool is_wsp(char c) noexcept {
  return c == ' ' || c == '\t';
}
constexpr bool is_alpha(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}
constexpr bool is_alnum(char c) noexcept {
  return is_alpha(c) || is_digit(c);
}
constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower_ascii(std::string_view s);
bool iequals_ascii(std::string_view a, std::string_view b) noexcept;
bool istarts_with_ascii(std::string_view s, std::string_view prefix) noexcept;
bool iends_with_ascii(std::string_view s, std::string_view suffix) noexcept;

std::string_view trim_wsp(std::string_view s) noexcept;
std::string_view trim_wsp_left(std::string_view s) noexcept;
std::string_view trim_wsp_right(std::string_view s) noexcept;

/// Lower-case hex of bytes: digests, fingerprints.
std::string to_hex(std::span<const unsigned char> bytes);

/// Untrusted text made safe to show in a message or on a terminal: bytes outside printable
/// ASCII become \xNN, and text longer than `max_chars` is cut with "...". Never contains
/// control characters, so network input cannot inject terminal escape sequences.
std::string printable(std::string_view s, std::size_t max_chars = 80);

/// `printable(s)` in double quotes, for messages: "value".
std::string in_quotes(std::string_view s, std::size_t max_chars = 80);

}  // namespace mtasts
