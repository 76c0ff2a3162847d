#include "common/file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace mtasts {

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return failure(fmt::format("cannot read \"{}\": {}", path, std::strerror(errno)));
  }
  std::string data;
  char buffer[65536];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    data.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (data.size() > max_bytes) {
      return failure(fmt::format("\"{}\" is larger than {} bytes", path, max_bytes));
    }
  }
  if (in.bad()) {
    return failure(fmt::format("cannot read \"{}\": {}", path, std::strerror(errno)));
  }
  return data;
}

}  // namespace mtasts
