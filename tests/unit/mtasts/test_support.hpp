// Helpers shared by the table-driven tests of agent/mtasts.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "mtasts/finding.hpp"

namespace mtasts::support {

/// The codes of `findings`, sorted, so a table can list them in any order.
inline std::vector<std::string> codes(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.emplace_back(to_string(f.code));
  std::sort(out.begin(), out.end());
  return out;
}

inline std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace mtasts::support
