/// @file
/// @brief Reading a whole file that an operator wrote (configuration, web config, an old
/// state file), with a size bound: a wrong path must not make the agent read a disk image.
#pragma once

#include <cstddef>
#include <string>

#include "common/result.hpp"

namespace mtasts {

/// The contents of the file at `path`, or, when it cannot be read or holds more than
/// `max_bytes`, a message that names the file and says which.
Result<std::string> read_file(const std::string& path, std::size_t max_bytes);

}  // namespace mtasts
