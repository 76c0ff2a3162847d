// Where tests/lab/lab.sh keeps the running lab's files (certificates, web roots).
#pragma once

#include <cstdlib>
#include <string>

namespace mtasts::testing {

/// $MTASTS_LAB_DIR, as ctest passes it, or lab.sh's default.
inline std::string lab_dir() {
  const char* dir = std::getenv("MTASTS_LAB_DIR");
  return dir != nullptr ? dir : "/tmp/mtasts-lab";
}

}  // namespace mtasts::testing
