#include "common/version.hpp"

namespace mtasts {

const std::string& version() {
  static const std::string text = MTASTS_VERSION;  // defined for agent_core by CMake
  return text;
}

}  // namespace mtasts
