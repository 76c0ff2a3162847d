#include "mtasts/text.hpp"

#include <cstdint>

namespace mtasts {

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool istarts_with_ascii(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals_ascii(s.substr(0, prefix.size()), prefix);
}

bool iends_with_ascii(std::string_view s, std::string_view suffix) noexcept {
  return s.size() >= suffix.size() && iequals_ascii(s.substr(s.size() - suffix.size()), suffix);
}

std::string_view trim_wsp_left(std::string_view s) noexcept {
  while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view trim_wsp_right(std::string_view s) noexcept {
  while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view trim_wsp(std::string_view s) noexcept {
  return trim_wsp_right(trim_wsp_left(s));
}

std::size_t utf8_sequence_length(std::string_view s, std::size_t at) noexcept {
  const auto b0 = static_cast<std::uint8_t>(s[at]);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0Fu;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07u;
  } else {
    return 0;  // continuation byte, overlong lead (C0, C1) or beyond U+10FFFF
  }
  if (at + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<std::uint8_t>(s[at + k]);
    if ((b & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  if (overlong || surrogate || cp > 0x10FFFF) return 0;
  return len;
}

bool is_valid_utf8(std::string_view s) noexcept {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t length = utf8_sequence_length(s, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string valid_utf8(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  append_valid_utf8(out, s, [](std::string& o, char c) { o += c; });
  return out;
}

namespace {
constexpr char kHex[] = "0123456789abcdef";
}  // namespace

std::string to_hex(std::span<const unsigned char> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::string printable(std::string_view s, std::size_t max_chars) {
  std::string out;
  out.reserve(s.size() < max_chars ? s.size() : max_chars);
  for (char c : s) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    const auto b = static_cast<std::uint8_t>(c);
    if (b >= 0x20 && b < 0x7F && c != '\\') {
      out += c;
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  return out;
}

std::string in_quotes(std::string_view s, std::size_t max_chars) {
  return "\"" + printable(s, max_chars) + "\"";
}

}  // namespace mtasts
