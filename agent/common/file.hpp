/// @file
/// @brief Reading a whole file that an operator wrote (configuration, web config, an old
/// state file), with a size bound: a wrong path must not make the agent read a disk image.
#pragma once

#include <cstddef>
#include <string>

namespace mtasts {

/// The contents of the file at `path`. When it cannot be read or holds more than `max_bytes`,
/// returns "" and sets `error` to a message that names the file and says which.
std::string read_file(const std::string& path, std::size_t max_bytes, std::string& error);

}  // namespace mtasts
