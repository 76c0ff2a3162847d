// Keeps the README's table of finding codes in step with the catalogue in the code.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "mtasts/finding.hpp"

namespace mtasts {
namespace {

std::string severity_column(const FindingSpec& row) {
  switch (row.rule) {
    case SeverityRule::fixed: return std::string(to_string(row.severity));
    case SeverityRule::delivery: return "error (enforce), warning (testing), info (none)";
    case SeverityRule::advisory: return "warning (enforce), info (testing)";
  }
  return "";
}

// Markdown would read "<domain>" as an HTML tag.
std::string escape_markdown(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else {
      out += c;
    }
  }
  return out;
}

std::string expected_table() {
  std::string out = "| code | severity | RFC | meaning |\n| --- | --- | --- | --- |\n";
  for (const auto& row : finding_catalogue()) {
    out += "| `" + std::string(row.name) + "` | " + severity_column(row) + " | " +
           std::string(row.rfc) + " | " + escape_markdown(row.title) + " |\n";
  }
  return out;
}

TEST(Readme, FindingTableMatchesTheCatalogue) {
  std::ifstream in(MTASTS_README);
  ASSERT_TRUE(in) << "cannot open " << MTASTS_README;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string readme = buffer.str();
  const std::string begin = "<!-- findings-table:begin -->\n";
  const std::string end = "<!-- findings-table:end -->";
  const auto b = readme.find(begin);
  const auto e = readme.find(end);
  ASSERT_NE(b, std::string::npos) << "README.md lacks " << begin;
  ASSERT_NE(e, std::string::npos) << "README.md lacks " << end;
  const std::string table = readme.substr(b + begin.size(), e - b - begin.size());
  EXPECT_EQ(table, expected_table()) << "Replace the README table with:\n" << expected_table();
}

}  // namespace
}  // namespace mtasts
