// Shared pieces of the fuzz targets: input splitting and invariant checks that abort, so
// libFuzzer records the input as a crash.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/finding.hpp"

#define MTASTS_FUZZ_CHECK(cond)                                                          \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (false)

namespace mtasts::fuzz {

inline std::vector<std::string> split_lines(std::string_view input) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= input.size()) {
    const std::size_t nl = input.find('\n', start);
    out.emplace_back(input.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return out;
}

inline bool has_error(const std::vector<Finding>& findings) {
  for (const auto& f : findings) {
    if (f.severity == Severity::error) return true;
  }
  return false;
}

/// Messages quote untrusted text through mtasts::printable: no control bytes may leak.
inline void check_messages_printable(const std::vector<Finding>& findings) {
  for (const auto& f : findings) {
    MTASTS_FUZZ_CHECK(!f.message.empty());
    for (char c : f.message) {
      const auto b = static_cast<unsigned char>(c);
      MTASTS_FUZZ_CHECK(b >= 0x20 && b < 0x7F);
    }
  }
}

/// Takes typed values from the fuzzer's bytes, front to back; zeros and empty strings once
/// the bytes run out, so every input is a valid (if dull) recipe.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
  bool flag() { return (byte() & 1) != 0; }
  /// A value in [0, n).
  std::size_t below(std::size_t n) { return n == 0 ? 0 : byte() % n; }
  /// A string of up to `max` bytes: a length byte, then the bytes.
  std::string text(std::size_t max = 64) {
    // The length byte first: as two arguments of one call, their order would be unspecified,
    // and reading the remaining size before the length byte reads one byte past the end.
    const std::size_t wanted = below(max + 1);
    const std::size_t length = std::min<std::size_t>(wanted, size_ - at_);
    std::string out(reinterpret_cast<const char*>(data_ + at_), length);
    at_ += length;
    return out;
  }
  /// One of `choices`, or a fuzzed string.
  std::string pick(std::initializer_list<std::string_view> choices, std::size_t max = 64) {
    const std::size_t i = below(choices.size() + 1);
    if (i == choices.size()) return text(max);
    return std::string(*(choices.begin() + static_cast<std::ptrdiff_t>(i)));
  }
  std::string_view rest() {
    std::string_view out(reinterpret_cast<const char*>(data_ + at_), size_ - at_);
    at_ = size_;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

}  // namespace mtasts::fuzz
