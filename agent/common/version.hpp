/// @file
/// @brief The agent's version, as CMake's project() names it (--version, build_info, logs).
#pragma once

#include <string>

namespace mtasts {

const std::string& version();

}  // namespace mtasts
