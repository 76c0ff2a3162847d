// Where tests/lab/lab.sh keeps the running lab's files (certificates, web roots).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mtasts::support {

/// $MTASTS_LAB_DIR, as ctest passes it, or lab.sh's default.
inline std::string lab_dir() {
  const char* dir = std::getenv("MTASTS_LAB_DIR");
  return dir != nullptr ? dir : "/tmp/mtasts-lab";
}

/// A lab file a test changes on purpose (a policy it edits or removes), written back as it was
/// when the test ends, however it ends.
class RestoredLabFile {
 public:
  explicit RestoredLabFile(std::filesystem::path path) : path_(std::move(path)) {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    original_ = text.str();
  }
  ~RestoredLabFile() { std::ofstream(path_, std::ios::binary) << original_; }
  RestoredLabFile(const RestoredLabFile&) = delete;
  RestoredLabFile& operator=(const RestoredLabFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::string& original() const { return original_; }

 private:
  std::filesystem::path path_;
  std::string original_;
};

}  // namespace mtasts::support
