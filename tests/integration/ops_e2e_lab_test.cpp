// The operations kit on real servers: the agent checks lab domains, a real Prometheus (Debian's
// `prometheus`) scrapes it with the shipped alert rules and sends to a real Alertmanager
// (`prometheus-alertmanager`). Every dashboard query and every alert expression must parse, the
// dashboard queries must return series where the lab has the data, and a lab domain broken on
// purpose must raise its alert in Alertmanager and resolve it when repaired.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "agent_process.hpp"
#include "lab_dir.hpp"
#include "ops_kit.hpp"
#include "run_process.hpp"
#include "tlsrpt_reports.hpp"

namespace mtasts::support {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSource = MTASTS_SOURCE_DIR;
constexpr std::uint16_t kPrometheusPort = 9090;
constexpr std::uint16_t kAlertmanagerPort = 9093;
// The lab domains the agent checks, and the one whose dashboard queries are run.
const std::vector<std::string> kDomains = {"good.test",      "testing.test",       "uncovered.test",
                                           "mxexpired.test", "sharedexpired.test", "changing.test",
                                           "stale.dane.test"};
const std::string kDrillDownDomain = "testing.test";

/// Drops outgoing TCP SYNs to port 25 inside the lab's namespace while it lives (nftables).
struct DroppedPort25 {
  DroppedPort25() {
    ok = run_process("/usr/sbin/nft", {"add", "table", "inet", "mtasts_egress"}).exit_code == 0 &&
         run_process("/usr/sbin/nft", {"add", "chain", "inet", "mtasts_egress", "out",
                                       "{ type filter hook output priority 0 ; }"})
                 .exit_code == 0 &&
         run_process("/usr/sbin/nft", {"add", "rule", "inet", "mtasts_egress", "out", "tcp",
                                       "dport", "25", "tcp", "flags", "syn", "drop"})
                 .exit_code == 0;
  }
  ~DroppedPort25() { run_process("/usr/sbin/nft", {"delete", "table", "inet", "mtasts_egress"}); }
  DroppedPort25(const DroppedPort25&) = delete;
  DroppedPort25& operator=(const DroppedPort25&) = delete;
  bool ok = false;
};

std::string url_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string which(const std::string& program) {
  for (const char* dir : {"/usr/bin", "/usr/sbin", "/usr/local/bin"}) {
    if (fs::exists(fs::path(dir) / program)) return (fs::path(dir) / program).string();
  }
  return "";
}

/// GET on a server inside the lab, parsed as JSON (null when no answer or not JSON).
json get_json(std::uint16_t port, const std::string& target) {
  const auto result = http_request("127.0.0.1", port, "GET", target);
  if (!result.ok) return nullptr;
  // Not JSON (Prometheus answers plain text while it starts): null, like no answer.
  json answer = json::parse(result.response.body, nullptr, false);
  return answer.is_discarded() ? json(nullptr) : answer;
}

class OpsEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    prometheus_bin_ = which("prometheus");
    alertmanager_bin_ = which("prometheus-alertmanager");
    ASSERT_FALSE(prometheus_bin_.empty()) << "apt install prometheus";
    ASSERT_FALSE(alertmanager_bin_.empty()) << "apt install prometheus-alertmanager";
    dir_ = fs::temp_directory_path() / ("mtasts-ops-e2e-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "state");
  }
  void TearDown() override {
    prometheus_.reset();
    alertmanager_.reset();
    agent_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  /// A TLS-RPT report of yesterday for `domain`, stored as a mail server's pipe would:
  /// `failed` of 100 sessions failed with sts-policy-fetch-error, which no probe sees here.
  void ingest_report(const std::string& domain, int failed) {
    fs::create_directories(dir_ / "state");
    const auto run = support::ingest_report(MTASTS_AGENT_BINARY, (dir_ / "state").string(),
                                            {.domain = domain,
                                             .day = support::utc_day(1),
                                             .successful = 100 - failed,
                                             .failed = failed});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }

  void start_agent() {
    std::ofstream config(dir_ / "agent.yml");
    config << "global:\n  dns_servers: [\"127.0.0.53\"]\n  ca_file: " << lab_dir()
           << "/certs/ca.pem\n  ehlo_name: probe.lab.test\n  interval: 3s\n  timeout: 3s\n"
           << "  retry_interval: 3s\n  dane_trust_anchor: " << lab_dir()
           << "/dnssec/trust-anchor.ds\ntargets:\n";
    for (const auto& d : kDomains) config << "  - " << d << "\n";
    config.close();
    agent_ = std::make_unique<AgentProcess>(
        MTASTS_AGENT_BINARY,
        std::vector<std::string>{"serve", "--config.file=" + (dir_ / "agent.yml").string(),
                                 "--web.listen-address=127.0.0.1:0",
                                 "--storage.path=" + (dir_ / "state").string()},
        (dir_ / "agent.log").string());
    ASSERT_NE(agent_->wait_for_port(), 0) << agent_->log();
  }

  /// The shipped rules with every `for:` shortened to 0s: the promtool tests cover the
  /// durations; here the point is that real Prometheus evaluates them and Alertmanager hears.
  void write_rules() {
    std::ifstream in(kSource / "deploy/prometheus/mta-sts-agent.rules.yml");
    std::stringstream text;
    text << in.rdbuf();
    std::ofstream(dir_ / "rules.yml")
        << std::regex_replace(text.str(), std::regex(R"(\bfor: \d+[smhd]\b)"), "for: 0s");
  }

  /// With the compose stack's configuration, inhibition rules included.
  void start_alertmanager() {
    fs::copy(kSource / "deploy/compose/alertmanager.yml", dir_ / "alertmanager.yml");
    alertmanager_ = std::make_unique<AgentProcess>(
        alertmanager_bin_,
        std::vector<std::string>{
            "--config.file=" + (dir_ / "alertmanager.yml").string(),
            "--storage.path=" + (dir_ / "alertmanager").string(),
            "--web.listen-address=127.0.0.1:" + std::to_string(kAlertmanagerPort),
            "--cluster.listen-address="},
        (dir_ / "alertmanager.log").string());
  }

  void start_prometheus() {
    write_rules();
    std::ofstream(dir_ / "prometheus.yml")
        << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        << "rule_files: [" << (dir_ / "rules.yml").string() << "]\n"
        << "alerting:\n  alertmanagers:\n    - static_configs:\n"
        << "        - targets: [\"127.0.0.1:" << kAlertmanagerPort << "\"]\n"
        << "scrape_configs:\n  - job_name: mta-sts-agent\n    static_configs:\n"
        << "      - targets: [\"127.0.0.1:" << agent_->port() << "\"]\n";
    prometheus_ = std::make_unique<AgentProcess>(
        prometheus_bin_,
        std::vector<std::string>{
            "--config.file=" + (dir_ / "prometheus.yml").string(),
            "--storage.tsdb.path=" + (dir_ / "prometheus").string(),
            "--web.listen-address=127.0.0.1:" + std::to_string(kPrometheusPort)},
        (dir_ / "prometheus.log").string());
  }

  /// An instant query; the JSON answer ("status", "data"...), or null.
  json query(const std::string& expr) const {
    return get_json(kPrometheusPort, "/api/v1/query?query=" + url_encode(expr));
  }

  std::size_t series_count(const std::string& expr) const {
    const json answer = query(expr);
    if (answer.is_null() || answer["status"] != "success") return 0;
    return answer["data"]["result"].size();
  }

  /// Alerts Alertmanager holds now (resolved ones are not listed).
  json alertmanager_alerts() const {
    return get_json(kAlertmanagerPort, "/api/v2/alerts?active=true");
  }

  /// The alert Alertmanager holds for `alertname` and `domain`, or null.
  /// The alert `alertname` whose label `label` is `value` (`domain` by default).
  json alertmanager_alert(const std::string& alertname, const std::string& value,
                          const std::string& label = "domain") const {
    const json alerts = alertmanager_alerts();
    if (!alerts.is_array()) return nullptr;
    for (const auto& a : alerts) {
      if (a["labels"].value("alertname", "") == alertname && a["labels"].value(label, "") == value)
        return a;
    }
    return nullptr;
  }
  std::size_t alertmanager_count(const std::string& alertname) const {
    std::size_t n = 0;
    const json alerts = alertmanager_alerts();
    for (const auto& a : alerts.is_array() ? alerts : json::array()) {
      if (a["labels"].value("alertname", "") == alertname) ++n;
    }
    return n;
  }
  bool alertmanager_has(const std::string& alertname, const std::string& domain) const {
    return !alertmanager_alert(alertname, domain).is_null();
  }

  std::string logs() const {
    std::string out;
    for (const char* f : {"agent.log", "prometheus.log", "alertmanager.log"})
      out += std::string("---- ") + f + "\n" + slurp(dir_ / f);
    return out;
  }

  fs::path dir_;
  std::string prometheus_bin_, alertmanager_bin_;
  std::unique_ptr<AgentProcess> agent_, prometheus_, alertmanager_;
};

TEST_F(OpsEndToEnd, PrometheusAndAlertmanagerWithTheShippedRulesAndDashboards) {
  const RestoredLabFile restore(fs::path(lab_dir()) / "www/changing/.well-known/mta-sts.txt");
  const fs::path& policy = restore.path();
  const std::string& original = restore.original();
  ASSERT_FALSE(original.empty());

  // Senders report failures: a few for the drill-down domain, half the sessions for an
  // enforce domain whose probes all succeed (the page no probe gives).
  ingest_report(kDrillDownDomain, 3);
  ingest_report("good.test", 50);
  start_agent();
  start_alertmanager();
  start_prometheus();

  // Prometheus scrapes the agent and has every domain's verdict.
  ASSERT_TRUE(agent_->eventually(
      [&] { return series_count(R"(mtasts_domain_verdict{verdict="ok"})") == kDomains.size(); },
      60s))
      << logs();
  ASSERT_TRUE(agent_->eventually(
      [&] { return series_count(R"(up{job="mta-sts-agent"} == 1)") == 1; }, 10s));
  // Rate panels need two samples of the agent's counters.
  ASSERT_TRUE(agent_->eventually(
      [&] { return series_count(R"(rate(mtasts_agent_checks_total[1m]))") > 0; }, 30s))
      << logs();

  // (a) Every dashboard query parses and returns series from the lab's data. The panels that
  // may be empty here are listed with the reason.
  const std::set<std::string> may_be_empty = {
      // Only counts agents with a failed state-file write: there is none.
      "mtasts-fleet / State save failures",
      // Only after a policy changed or disappeared: the drill-down domain's never did.
      "mtasts-domain / Previous policy may be applied until",
      // DANE does not apply to the drill-down domain's MX host (no TLSA records).
      "mtasts-domain / TLSA matches per MX host",
  };
  // What each panel shows with the lab's data, kept as a test artefact (the README's gallery:
  // Grafana is not packaged for Debian, so no screenshots).
  const fs::path artifacts = MTASTS_ARTIFACT_DIR;
  fs::create_directories(artifacts);
  std::ofstream panels(artifacts / "dashboard-panels.md");
  for (const auto& q : dashboard_queries(
           kSource,
           {{"__rate_interval", "1m"}, {"job", "mta-sts-agent"}, {"domain", kDrillDownDomain}})) {
    SCOPED_TRACE(q.where + ": " + q.expr);
    const json answer = query(q.expr);
    ASSERT_FALSE(answer.is_null());
    panels << "**" << q.where << "**\n\n```\n";
    std::size_t rows = 0;
    for (const auto& series : answer["data"]["result"]) {
      if (++rows > 8) break;
      std::string labels;
      for (const auto& [name, value] : series["metric"].items()) {
        if (name == "__name__" || name == "job" || name == "instance") continue;
        labels += (labels.empty() ? "" : " ") + name + "=" + value.get<std::string>();
      }
      panels << (labels.empty() ? "(total)" : labels) << "  "
             << series["value"][1].get<std::string>() << "\n";
    }
    panels << "```\n\n";
    EXPECT_EQ(answer["status"], "success") << answer.dump();
    if (!may_be_empty.contains(q.where)) {
      EXPECT_FALSE(answer["data"]["result"].empty()) << "no series";
    }
  }

  // Every alert expression parses; those the lab's known state implies return series.
  struct Firing {
    std::string alertname, label, value;
  };
  const std::vector<Firing> expected_firing = {
      {"MTASTSMXNotCovered", "domain", "uncovered.test"},  // enforce policy without its MX
      {"MTASTSDomainFailingEnforce", "domain", "uncovered.test"},
      // The expired MX certificate of a host two domains share: one alert for the host.
      {"MTASTSCertificateExpired", "host", "expired.mx.good.test"},
      // Senders fail under enforce where every probe succeeds.
      {"MTASTSSendersFailWhereProbesSucceed", "domain", "good.test"},
      // TLSA for the next key only: DANE senders defer; one alert for the MX host.
      {"MTASTSDaneTlsaMismatch", "host", "mx.stale.dane.test"},
  };
  for (const auto& alert : shipped_alerts(kSource)) {
    SCOPED_TRACE(alert.name + ": " + alert.expr);
    const json answer = query(alert.expr);
    ASSERT_FALSE(answer.is_null());
    EXPECT_EQ(answer["status"], "success") << answer.dump();
  }
  for (const auto& f : expected_firing) {
    EXPECT_TRUE(agent_->eventually(
        [&] { return !alertmanager_alert(f.alertname, f.value, f.label).is_null(); }, 30s))
        << f.alertname << " for " << f.value
        << " never reached Alertmanager: " << alertmanager_alerts().dump();
  }
  // One alert for the shared host, naming both domains; they do not page again one by one.
  EXPECT_EQ(alertmanager_count("MTASTSCertificateExpired"), 1u) << alertmanager_alerts().dump();
  const json shared =
      alertmanager_alert("MTASTSCertificateExpired", "expired.mx.good.test", "host");
  EXPECT_EQ(shared["labels"].value("role", ""), "mx");
  EXPECT_THAT(shared["annotations"].value("description", ""),
              ::testing::HasSubstr("2 domain(s) use it: mxexpired.test, sharedexpired.test."));
  EXPECT_FALSE(alertmanager_has("MTASTSDomainFailingEnforce", "mxexpired.test"));
  EXPECT_FALSE(alertmanager_has("MTASTSDomainFailingEnforce", "sharedexpired.test"));
  // good.test fails only by its senders' reports: their alert pages, the summary one does not.
  EXPECT_FALSE(alertmanager_has("MTASTSDomainFailingEnforce", "good.test"));
  EXPECT_EQ(alertmanager_alert("MTASTSSendersFailWhereProbesSucceed", "good.test")["labels"].value(
                "severity", ""),
            "critical");
  // The shipped inhibition: the specific critical alert silences the summary one.
  EXPECT_TRUE(agent_->eventually(
      [&] {
        const json a = alertmanager_alert("MTASTSDomainFailingEnforce", "uncovered.test");
        return !a.is_null() && a["status"]["state"] == "suppressed";
      },
      30s))
      << alertmanager_alerts().dump();
  EXPECT_EQ(alertmanager_alert("MTASTSMXNotCovered", "uncovered.test")["status"]["state"],
            "active");
  EXPECT_FALSE(alertmanager_has("MTASTSPolicyUnreachable", "changing.test"));
  EXPECT_FALSE(alertmanager_has("MTASTSAgentDown", ""));

  // (b) The policy of changing.test disappears (the web server answers 404): the alert
  // reaches Alertmanager, with the templated description naming the domain.
  fs::remove(policy);
  ASSERT_TRUE(agent_->eventually(
      [&] { return alertmanager_has("MTASTSPolicyUnreachable", "changing.test"); }, 60s))
      << alertmanager_alerts().dump() << logs();
  for (const auto& a : alertmanager_alerts()) {
    if (a["labels"].value("alertname", "") != "MTASTSPolicyUnreachable") continue;
    EXPECT_EQ(a["labels"]["code"], "policy_http_status");
    EXPECT_EQ(a["labels"]["severity"], "warning");
    EXPECT_THAT(a["annotations"]["description"].get<std::string>(),
                ::testing::HasSubstr("https://mta-sts.changing.test/.well-known/mta-sts.txt"));
    EXPECT_THAT(a["annotations"]["runbook_url"].get<std::string>(),
                ::testing::EndsWith("RUNBOOK.md#mtastspolicyunreachable"));
  }

  // What operators see, kept as a test artefact (the README's gallery): Debian's packages
  // ship no web UI for Prometheus or Alertmanager, so the alerts as Alertmanager's API has them.
  std::ofstream table(artifacts / "alertmanager-alerts.md");
  table << "| alert | severity | state | summary |\n| --- | --- | --- | --- |\n";
  for (const auto& a : alertmanager_alerts()) {
    table << "| " << a["labels"].value("alertname", "") << " | "
          << a["labels"].value("severity", "") << " | " << a["status"].value("state", "") << " | "
          << a["annotations"].value("summary", "") << " |\n";
  }
  table.close();

  // Repaired: the alert resolves and leaves Alertmanager.
  std::ofstream(policy, std::ios::binary) << original;
  EXPECT_TRUE(agent_->eventually(
      [&] { return !alertmanager_has("MTASTSPolicyUnreachable", "changing.test"); }, 60s))
      << alertmanager_alerts().dump() << logs();
  // The other alerts stay.
  EXPECT_TRUE(alertmanager_has("MTASTSMXNotCovered", "uncovered.test"));

  // (c) Outbound port 25 blocked, as clouds do (SYNs to port 25 dropped in the lab): after a
  // round the agent says egress is down, the domains' MX results are unknown, the one
  // agent-level alert fires, and no MX alert is active (held back by the shipped inhibition).
  const DroppedPort25 blocked;
  ASSERT_TRUE(blocked.ok);
  EXPECT_TRUE(agent_->eventually(
      [&] { return metric_value(agent_->metrics(), "mtasts_agent_port25_egress_up") == 0; }, 60s))
      << agent_->log();
  EXPECT_TRUE(agent_->eventually(
      [&] {
        const std::string m = agent_->metrics();
        // (testing.test: good.test fails by its senders' reports, which port 25 does not change)
        return metric_value(
                   m, R"(mtasts_domain_verdict{domain="testing.test",verdict="unknown"})") == 1 &&
               m.find(R"(code="port25_blocked")") != std::string::npos &&
               // nothing claimed about the MX hosts' transport (mx_not_covered is the policy's)
               !std::regex_search(
                   m, std::regex(R"(code="mx_(connect_failed|timeout|starttls|tls_|cert_))"));
      },
      60s))
      << agent_->metrics();
  EXPECT_TRUE(agent_->eventually(
      [&] { return !alertmanager_alert("MTASTSPort25Blocked", "", "domain").is_null(); }, 60s))
      << alertmanager_alerts().dump();
  EXPECT_TRUE(agent_->eventually(
      [&] {
        for (const auto& a : alertmanager_alerts()) {
          const std::string name = a["labels"].value("alertname", "");
          const bool mx_alert =
              name == "MTASTSMXTLSFailing" || name == "MTASTSStartTLSMissing" ||
              name == "MTASTSDomainUnknown" || name == "MTASTSDomainFailingEnforce" ||
              name == "MTASTSDaneTlsaMismatch" || name == "MTASTSDaneStartTLSMissing" ||
              (name.starts_with("MTASTSCertificate") && a["labels"].value("role", "") == "mx");
          if (mx_alert && a["status"].value("state", "") == "active") return false;
        }
        return true;
      },
      60s))
      << alertmanager_alerts().dump();
  EXPECT_EQ(alertmanager_count("MTASTSPort25Blocked"), 1u);
}

}  // namespace
}  // namespace mtasts::support
