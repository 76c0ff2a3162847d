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
