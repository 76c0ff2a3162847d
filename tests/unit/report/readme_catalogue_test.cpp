// Keeps the README's table of finding codes in step with the catalogue in the code.
#include <gtest/gtest.h>

#include <string>

#include "mtasts/finding.hpp"
#include "readme_section.hpp"

namespace mtasts {
namespace {

std::string severity_column(const FindingSpec& row) {
  if (row.verdict_effect == VerdictEffect::makes_unknown) {
    return std::string(to_string(row.severity)) + ", verdict unknown";
  }
  switch (row.rule) {
    case SeverityRule::fixed: return std::string(to_string(row.severity));
    case SeverityRule::delivery: return "error (enforce), warning (testing), info (none)";
    case SeverityRule::advisory: return "warning (enforce), info (testing)";
    case SeverityRule::reachability: return "error (no MX host answers), else warning";
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
  EXPECT_EQ(support::readme_section(MTASTS_README, "findings-table"), expected_table())
      << "Replace the README table with:\n"
      << expected_table();
}

}  // namespace
}  // namespace mtasts
