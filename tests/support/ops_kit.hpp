// The shipped alert rules and Grafana dashboards, read the way the tests need them: the
// offline checks (tests/unit/deploy) and the end-to-end lab test ask the same questions.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

namespace mtasts::support {

struct ShippedAlert {
  std::string name;
  std::string expr;
  YAML::Node labels;
  YAML::Node annotations;
};

inline YAML::Node shipped_rules(const std::filesystem::path& source) {
  return YAML::LoadFile((source / "deploy/prometheus/mta-sts-agent.rules.yml").string());
}

inline std::vector<ShippedAlert> shipped_alerts(const std::filesystem::path& source) {
  std::vector<ShippedAlert> alerts;
  for (const auto& group : shipped_rules(source)["groups"]) {
    for (const auto& rule : group["rules"]) {
      if (!rule["alert"]) continue;
      alerts.push_back({rule["alert"].as<std::string>(), rule["expr"].as<std::string>(),
                        rule["labels"], rule["annotations"]});
    }
  }
  return alerts;
}

inline std::vector<std::string> recording_rule_names(const std::filesystem::path& source) {
  std::vector<std::string> names;
  for (const auto& group : shipped_rules(source)["groups"])
    for (const auto& rule : group["rules"])
      if (rule["record"]) names.push_back(rule["record"].as<std::string>());
  return names;
}

inline std::vector<nlohmann::json> shipped_dashboards(const std::filesystem::path& source) {
  std::vector<nlohmann::json> out;
  for (const char* name : {"mta-sts-fleet.json", "mta-sts-domain.json"}) {
    std::ifstream in(source / "dashboards" / name);
    out.push_back(nlohmann::json::parse(in));
  }
  return out;
}

struct DashboardQuery {
  std::string where;  ///< "<dashboard uid> / <panel title>", or "... / variable <name>"
  std::string expr;
};

/// Every panel target's expression, and the PromQL selector inside each label_values()
/// variable, with the dashboard variables replaced by `values` (name without the `$`), as
/// Grafana would send them.
inline std::vector<DashboardQuery> dashboard_queries(
    const std::filesystem::path& source, const std::map<std::string, std::string>& values) {
  auto substitute = [&values](std::string expr) {
    for (const auto& [name, value] : values) {
      const std::string variable = "$" + name;
      for (auto at = expr.find(variable); at != std::string::npos; at = expr.find(variable))
        expr.replace(at, variable.size(), value);
    }
    return expr;
  };
  std::vector<DashboardQuery> out;
  for (const auto& d : shipped_dashboards(source)) {
    const std::string uid = d["uid"];
    for (const auto& p : d["panels"]) {
      if (p["type"] == "row") continue;
      for (const auto& t : p["targets"])
        out.push_back({uid + " / " + p["title"].get<std::string>(), substitute(t["expr"])});
    }
    for (const auto& v : d["templating"]["list"]) {
      if (v["type"] != "query") continue;
      // label_values(metric{...}, label) is Grafana's; the selector inside is PromQL.
      static const std::regex selector(R"(label_values\((.*),\s*\w+\)$)");
      std::smatch m;
      const std::string query = v["query"]["query"];
      if (std::regex_match(query, m, selector))
        out.push_back({uid + " / variable " + v["name"].get<std::string>(), substitute(m[1])});
    }
  }
  return out;
}

}  // namespace mtasts::support
