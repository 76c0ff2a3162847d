// Shared pieces of the fuzz targets: input splitting and invariant checks that abort, so
// libFuzzer records the input as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
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

}  // namespace mtasts::fuzz
