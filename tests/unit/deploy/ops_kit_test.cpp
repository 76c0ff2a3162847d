// The operations kit against the agent's contracts, offline: every alert has a severity, a
// templated description and a runbook section; every finding code and metric the rules and
// dashboards name exists; every alert is covered by the promtool tests; every dashboard
// panel has a description and the datasource variable, and every query parses (promtool).
#include "ops_kit.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "metrics/families.hpp"
#include "mtasts/finding.hpp"
#include "run_process.hpp"

namespace mtasts::support {
namespace {

namespace fs = std::filesystem;
const fs::path kSource = MTASTS_SOURCE_DIR;
// The dashboard variables, for queries that are parsed but not run.
const std::map<std::string, std::string> kOfflineValues = {
    {"__rate_interval", "5m"}, {"job", ".+"}, {"domain", "example.org"}};

/// Every metric name an expression uses that the agent would have to export.
std::set<std::string> agent_metric_names(const std::string& expr) {
  static const std::regex name(R"(\b((?:mtasts|process)_[a-z_]+)\b)");
  std::set<std::string> names;
  for (std::sregex_iterator it(expr.begin(), expr.end(), name), end; it != end; ++it)
    names.insert((*it)[1]);
  return names;
}

std::set<std::string> exported_metric_names() {
  std::set<std::string> names;
  for (const auto& family : metrics::metric_families()) names.emplace(family.name);
  return names;
}

/// The finding codes named by code="x" or code=~"a|b" matchers.
std::set<std::string> finding_codes(const std::string& expr) {
  static const std::regex matcher(R"re(code=~?"([^"]*)")re");
  std::set<std::string> codes;
  for (std::sregex_iterator it(expr.begin(), expr.end(), matcher), end; it != end; ++it) {
    std::stringstream alternatives((*it)[1]);
    for (std::string code; std::getline(alternatives, code, '|');) codes.insert(code);
  }
  return codes;
}

TEST(AlertRules, EveryAlertHasSeveritySummaryTemplatedDescriptionAndRunbookSection) {
  std::set<std::string> runbook_anchors;
  std::stringstream runbook(slurp(kSource / "RUNBOOK.md"));
  for (std::string line; std::getline(runbook, line);) {
    if (!line.starts_with("## ")) continue;
    std::string anchor = line.substr(3);
    for (auto& c : anchor) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    runbook_anchors.insert(anchor);
  }
  const auto alerts = shipped_alerts(kSource);
  ASSERT_GE(alerts.size(), 15u);
  for (const auto& a : alerts) {
    SCOPED_TRACE(a.name);
    const auto severity = a.labels["severity"].as<std::string>("");
    EXPECT_THAT(severity, ::testing::AnyOf("warning", "critical"));
    EXPECT_FALSE(a.annotations["summary"].as<std::string>("").empty());
    const auto description = a.annotations["description"].as<std::string>("");
    EXPECT_THAT(description, ::testing::HasSubstr("{{ $"));  // names the domain, MX or agent
    const auto url = a.annotations["runbook_url"].as<std::string>("");
    const auto hash = url.find("RUNBOOK.md#");
    ASSERT_NE(hash, std::string::npos) << url;
    // GitHub's anchor of "## MTASTSAgentDown" is "#mtastsagentdown".
    EXPECT_TRUE(runbook_anchors.contains(url.substr(hash + 11)))
        << "RUNBOOK.md has no section for " << url;
  }
}

TEST(AlertRules, CriticalOnlyWhereEnforceOrDaneDeliveryFailsOrCertificatesExpire) {
  std::size_t critical = 0;
  for (const auto& a : shipped_alerts(kSource)) {
    if (a.labels["severity"].as<std::string>("") != "critical") continue;
    ++critical;
    SCOPED_TRACE(a.name);
    const bool enforce = a.expr.find(R"(mode="enforce")") != std::string::npos &&
                         a.expr.find("unless") == std::string::npos;
    const bool expiry = a.expr.find("mtasts_cert_not_after_timestamp_seconds") != std::string::npos;
    // The agent blind to every MX host is one page for the whole fleet.
    const bool agent_blind = a.expr == "mtasts_agent_port25_egress_up == 0\n" ||
                             a.expr == "mtasts_agent_port25_egress_up == 0";
    // DANE senders defer whatever the MTA-STS mode (RFC 7672): its delivery failures page too.
    const bool dane = a.expr.find("dane_tlsa_mismatch") != std::string::npos ||
                      a.expr.find("dane_starttls_missing") != std::string::npos ||
                      a.expr.find("dnssec_bogus") != std::string::npos;
    EXPECT_TRUE(enforce || expiry || agent_blind || dane) << a.expr;
  }
  // The loop judged the critical alerts there are: enforce and DANE delivery, expiry, the
  // blind agent.
  EXPECT_GE(critical, 3u);
}

TEST(AlertRules, NameOnlyRealFindingCodesAndExportedMetrics) {
  const auto exported = exported_metric_names();
  const auto recorded = recording_rule_names(kSource);
  std::size_t codes_seen = 0;
  for (const auto& a : shipped_alerts(kSource)) {
    SCOPED_TRACE(a.name);
    for (const auto& code : finding_codes(a.expr)) {
      ++codes_seen;
      EXPECT_TRUE(finding_code_from_name(code).has_value()) << "no finding code " << code;
    }
    for (const auto& name : agent_metric_names(a.expr))
      EXPECT_TRUE(exported.contains(name)) << "the agent exports no " << name;
  }
  EXPECT_GT(codes_seen, 20u);
  EXPECT_FALSE(recorded.empty());
}

TEST(AlertRules, EveryAlertIsShownFiringAndNotFiringByThePromtoolTests) {
  std::map<std::string, std::pair<bool, bool>> seen;  // alert -> (firing, not firing)
  for (const char* file : {"mta-sts-agent.rules.test.yml", "mta-sts-agent.rules.days.test.yml"}) {
    const YAML::Node tests = YAML::LoadFile((kSource / "deploy/prometheus" / file).string());
    for (const auto& group : tests["tests"]) {
      for (const auto& t : group["alert_rule_test"]) {
        auto& [firing, quiet] = seen[t["alertname"].as<std::string>()];
        (t["exp_alerts"].size() > 0 ? firing : quiet) = true;
      }
    }
  }
  for (const auto& a : shipped_alerts(kSource)) {
    EXPECT_TRUE(seen[a.name].first) << a.name << " is never shown firing";
    EXPECT_TRUE(seen[a.name].second) << a.name << " is never shown quiet";
  }
}

// ---- dashboards ----------------------------------------------------------------------------

TEST(Dashboards, FixedUidsDatasourceVariableDescriptionsAndUnits) {
  std::set<std::string> uids;
  for (const auto& d : shipped_dashboards(kSource)) {
    SCOPED_TRACE(d["uid"].get<std::string>());
    EXPECT_TRUE(uids.insert(d["uid"]).second);
    EXPECT_THAT(d["uid"].get<std::string>(), ::testing::StartsWith("mtasts-"));
    bool has_datasource_variable = false;
    for (const auto& v : d["templating"]["list"])
      has_datasource_variable |= v["type"] == "datasource" && v["name"] == "datasource";
    EXPECT_TRUE(has_datasource_variable);
    std::set<int> ids;
    for (const auto& p : d["panels"]) {
      EXPECT_TRUE(ids.insert(p["id"].get<int>()).second) << "panel id repeated";
      if (p["type"] == "row") continue;
      SCOPED_TRACE(p["title"].get<std::string>());
      EXPECT_FALSE(p["description"].get<std::string>().empty());
      EXPECT_EQ(p["datasource"]["uid"], "${datasource}");
      EXPECT_TRUE(p["fieldConfig"]["defaults"].contains("unit"));
      ASSERT_FALSE(p["targets"].empty());
      for (const auto& t : p["targets"]) EXPECT_EQ(t["datasource"]["uid"], "${datasource}");
      const auto& g = p["gridPos"];
      EXPECT_LE(g["x"].get<int>() + g["w"].get<int>(), 24);
    }
  }
}

TEST(Dashboards, QueriesNameOnlyExportedMetrics) {
  const auto exported = exported_metric_names();
  const auto queries = dashboard_queries(kSource, kOfflineValues);
  EXPECT_GT(queries.size(), 30u);
  for (const auto& q : queries) {
    for (const auto& name : agent_metric_names(q.expr))
      EXPECT_TRUE(exported.contains(name)) << q.where << ": " << name;
  }
}

TEST(Dashboards, EveryQueryParses) {
  const std::string promtool = MTASTS_PROMTOOL;
  if (promtool.empty()) GTEST_SKIP() << "promtool not found";
  // promtool parses PromQL offline as recording rules.
  const fs::path rules = fs::temp_directory_path() /
                         ("mtasts-dashboard-queries-" + std::to_string(getpid()) + ".rules.yml");
  {
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "groups" << YAML::Value << YAML::BeginSeq;
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << "dashboards";
    out << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
    int n = 0;
    for (const auto& q : dashboard_queries(kSource, kOfflineValues)) {
      out << YAML::BeginMap << YAML::Key << "record" << YAML::Value
          << fmt::format("dashboard:query_{}", n++) << YAML::Key << "expr" << YAML::Value << q.expr
          << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
    std::ofstream(rules) << out.c_str();
  }
  const auto result = run_process(promtool, {"check", "rules", rules.string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  fs::remove(rules);
}

}  // namespace
}  // namespace mtasts::support
