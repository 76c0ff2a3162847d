// The layer rule of docs/architecture.md: a folder of agent/ includes headers of its own and of
// the folders below it, never of one above. Read from the sources, so it stays true.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
const fs::path kAgent = fs::path(MTASTS_SOURCE_DIR) / "agent";

// Bottom first, as in docs/architecture.md; each may include the folders listed for it.
const std::map<std::string, std::set<std::string>>& allowed() {
  static const std::map<std::string, std::set<std::string>> rules = [] {
    const std::vector<std::pair<std::string, std::set<std::string>>> order = {
        {"common", {}},
        {"mtasts", {"common"}},
        {"dns", {"common"}},
        {"dane", {"common", "mtasts", "dns"}},
        {"net", {"common", "mtasts", "dane"}},
        {"probe", {"common", "mtasts", "dns", "dane", "net"}},
        {"report", {"common", "mtasts", "dns", "dane", "net", "probe"}},
        {"config", {"common", "mtasts"}},
        {"scheduler", {"common", "mtasts"}},
        {"tlsrpt", {"common", "mtasts"}},
    };
    std::map<std::string, std::set<std::string>> out(order.begin(), order.end());
    std::set<std::string> below;
    for (const auto& [folder, _] : order) below.insert(folder);
    for (const std::string folder : {"state", "metrics", "web", "app"}) {
      out[folder] = below;
      below.insert(folder);
    }
    return out;
  }();
  return rules;
}

TEST(Layers, NoFolderIncludesAFolderAboveIt) {
  const std::regex include(R"re(^\s*#\s*include\s+"([a-z_]+)/)re");
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kAgent)) {
    const auto ext = entry.path().extension();
    if (ext != ".cpp" && ext != ".hpp") continue;
    const std::string folder = entry.path().parent_path().filename().string();
    ASSERT_TRUE(allowed().contains(folder)) << "a folder the layer rule does not know: " << folder;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      std::smatch m;
      if (!std::regex_search(line, m, include)) continue;
      const std::string target = m[1];
      if (target == folder || allowed().at(folder).contains(target)) continue;
      ADD_FAILURE() << entry.path().lexically_relative(kAgent).string() << ":" << number << ": "
                    << folder << "/ includes " << target << "/, a layer above it";
    }
  }
  EXPECT_GT(files, 50u);
}

}  // namespace
