#include "mtasts/policy_mode.hpp"

namespace mtasts {

std::string_view to_string(Mode mode) noexcept {
  switch (mode) {
    case Mode::enforce: return "enforce";
    case Mode::testing: return "testing";
    case Mode::none: return "none";
  }
  return "invalid";
}

std::optional<Mode> parse_mode(std::string_view value) noexcept {
  for (Mode m : {Mode::enforce, Mode::testing, Mode::none}) {
    if (value == to_string(m)) return m;
  }
  return std::nullopt;
}

}  // namespace mtasts
