// Keeps the README's table of metrics in step with the families declared in the code.
#include <gtest/gtest.h>

#include <string>

#include "metrics/families.hpp"
#include "readme_section.hpp"

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
  EXPECT_EQ(support::readme_section(MTASTS_README, "metrics-table"), expected_table())
      << "Replace the README table with:\n"
      << expected_table();
}

}  // namespace
}  // namespace mtasts::metrics
