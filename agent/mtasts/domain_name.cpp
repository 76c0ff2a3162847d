#include "mtasts/domain_name.hpp"

#include <fmt/format.h>

#include <cstdint>

#include "mtasts/text.hpp"

namespace mtasts {
namespace {

constexpr std::size_t kMaxLabel = 63;  // RFC 1035 §2.3.4
constexpr std::size_t kMaxName = 253;  // 255 octets on the wire, without the final dot

bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

}  // namespace

bool looks_like_ip_address(std::string_view name) noexcept {
  if (name.empty()) return false;
  if (name.front() == '[' || name.find(':') != std::string_view::npos) return true;
  int labels = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = name.find('.', start);
    const auto label = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!all_digits(label) || label.size() > 3) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return labels == 4;
}

std::string canonical_name(std::string_view name) {
  if (name.ends_with('.')) name.remove_suffix(1);
  return to_lower_ascii(name);
}

Result<void> validate_domain_name(std::string_view name) {
  if (name.empty()) return failure("is empty");
  if (looks_like_ip_address(name)) {
    return failure("is an IP address; only host names are allowed here");
  }
  for (char c : name) {
    if (static_cast<std::uint8_t>(c) >= 0x80) {
      return failure(
          "contains non-ASCII bytes; write internationalized names as A-labels (xn--...)");
    }
  }
  if (name.back() == '.')
    return failure("ends with a dot; write the name without the trailing dot");
  if (name.front() == '.') return failure("starts with a dot (an empty label)");
  if (name.size() > kMaxName) {
    return failure(
        fmt::format("is {} characters long; a host name has at most {}", name.size(), kMaxName));
  }
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    const auto label = name.substr(start, dot - start);
    if (label.empty()) return failure("has an empty label (two dots in a row)");
    if (label.size() > kMaxLabel) {
      return failure(fmt::format("has a label of {} characters; a label has at most {}",
                                 label.size(), kMaxLabel));
    }
    for (char c : label) {
      if (c == '*')
        return failure("has '*' inside the name; a wildcard may only be the whole left-most label");
      if (!is_alnum(c) && c != '-') {
        return failure(
            fmt::format("contains {}; host names have only letters, digits, hyphens and dots",
                        in_quotes(std::string_view(&c, 1))));
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return failure(
          fmt::format("has the label {}, which starts or ends with a hyphen", in_quotes(label)));
    }
    start = dot + 1;
  }
  return {};
}

}  // namespace mtasts
