// Keeps the README's table of metrics in step with the families declared in the code.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "metrics/families.hpp"

namespace mtasts::metrics {
namespace {

std::string type_name(prometheus::MetricType type) {
  return type == prometheus::MetricType::Counter ? "counter" : "gauge";
}

std::string expected_table() {
  constexpr std::string_view kSuffix = " (from the latest scheduled check)";
  std::string out = "| metric | type | labels | meaning |\n| --- | --- | --- | --- |\n";
  for (const auto& spec : metric_families()) {
    std::string help(spec.help);
    if (help.ends_with(kSuffix)) help.resize(help.size() - kSuffix.size());
    std::string labels(spec.labels);
    for (std::size_t at = 0; (at = labels.find(',', at)) != std::string::npos; at += 2) {
      labels.replace(at, 1, ", ");
    }
    out += "| `" + std::string(spec.name) + "` | " + type_name(spec.type) + " | " + labels + " | " +
           help + " |\n";
  }
  return out;
}

TEST(Readme, MetricsTableMatchesTheFamilies) {
  std::ifstream in(MTASTS_README);
  ASSERT_TRUE(in) << "cannot open " << MTASTS_README;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string readme = buffer.str();
  const std::string begin = "<!-- metrics-table:begin -->\n";
  const std::string end = "<!-- metrics-table:end -->";
  const auto b = readme.find(begin);
  const auto e = readme.find(end);
  ASSERT_NE(b, std::string::npos) << "README.md lacks " << begin;
  ASSERT_NE(e, std::string::npos) << "README.md lacks " << end;
  const std::string table = readme.substr(b + begin.size(), e - b - begin.size());
  EXPECT_EQ(table, expected_table()) << "Replace the README table with:\n" << expected_table();
}

}  // namespace
}  // namespace mtasts::metrics
