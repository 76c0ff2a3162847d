/// @file
/// @brief What DNSSEC validation says about an answer (RFC 4035 §4.3). Plain data, for the
/// facts of a check and the code that judges them.
#pragma once

#include <cstdint>
#include <string_view>

namespace mtasts::dane {

enum class Security : std::uint8_t {
  secure,    ///< signed and validated from the trust anchor
  insecure,  ///< provably unsigned (no DS on the way down), or outside every trust anchor
  bogus,     ///< should be signed, and validation failed
};

constexpr std::string_view to_string(Security security) noexcept {
  switch (security) {
    case Security::secure: return "secure";
    case Security::insecure: return "insecure";
    case Security::bogus: return "bogus";
  }
  return "insecure";
}

}  // namespace mtasts::dane
