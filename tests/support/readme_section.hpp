// The part of README.md between two marker comments, for the tests that keep a README table
// in step with the code.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace mtasts::support {

/// The text between "<!-- NAME:begin -->\n" and "<!-- NAME:end -->" in `readme_path`; a test
/// failure (and "") when the file or a marker is missing.
inline std::string readme_section(const std::string& readme_path, const std::string& name) {
  std::ifstream in(readme_path);
  if (!in) {
    ADD_FAILURE() << "cannot open " << readme_path;
    return "";
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string readme = buffer.str();
  const std::string begin = "<!-- " + name + ":begin -->\n";
  const std::string end = "<!-- " + name + ":end -->";
  const auto b = readme.find(begin);
  const auto e = readme.find(end);
  if (b == std::string::npos || e == std::string::npos) {
    ADD_FAILURE() << readme_path << " lacks " << begin << " or " << end;
    return "";
  }
  return readme.substr(b + begin.size(), e - b - begin.size());
}

}  // namespace mtasts::support
