// `mta-sts-agent serve` against the lab, as operators run it: the metrics of each lab
// domain, reloads (changed, broken, target file), change detection that survives a restart,
// sharding, promtool on the exposition, and the status page in headless Chromium.
#include <crypt.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "agent_process.hpp"
#include "lab_dir.hpp"
#include "run_process.hpp"
#include "tlsrpt_reports.hpp"

namespace mtasts::support {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

class ServeLab : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mtasts-serve-lab-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "state");
    fs::create_directories(dir_ / "targets");
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// A config for the lab: its DNS server and CA, and `targets` (YAML list items).
  std::string write_config(const std::string& targets, const std::string& interval = "1m",
                           const std::string& extra = "") {
    std::ofstream(dir_ / "agent.yml")
        << "global:\n  dns_servers: [\"127.0.0.53\"]\n  ca_file: " << lab_dir() << "/certs/ca.pem\n"
        << "  ehlo_name: probe.lab.test\n  interval: " << interval << "\n  timeout: " << interval
        << "\n"
        << extra << "targets:\n"
        << targets;
    return (dir_ / "agent.yml").string();
  }

  /// `state`: the --storage.path under the test's directory (one per agent: it is locked).
  std::unique_ptr<AgentProcess> start(std::vector<std::string> extra = {},
                                      const std::string& log = "log",
                                      const std::string& state = "state") {
    fs::create_directories(dir_ / state);
    std::vector<std::string> args = {"serve", "--config.file=" + (dir_ / "agent.yml").string(),
                                     "--web.listen-address=127.0.0.1:0",
                                     "--storage.path=" + (dir_ / state).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    auto agent = std::make_unique<AgentProcess>(MTASTS_AGENT_BINARY, args, (dir_ / log).string());
    EXPECT_NE(agent->wait_for_port(), 0) << agent->log();
    return agent;
  }

  static bool ready(const AgentProcess& agent) {
    return agent.eventually([&] { return agent.get("/-/ready").response.status == 200; }, 30s);
  }

  fs::path dir_;
};

double now_seconds() {
  return static_cast<double>(std::time(nullptr));
}

/// How many domains have a report in the state database under `dir`; -1 when it cannot be read.
int stored_reports(const fs::path& dir) {
  sqlite3* db = nullptr;
  int count = -1;
  const auto path = (dir / "state.db").string();
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM domains WHERE report IS NOT NULL;", -1, &s,
                           nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      count = sqlite3_column_int(s, 0);
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return count;
}

TEST_F(ServeLab, MetricsMatchEachLabDomain) {
  write_config(
      "  - good.test\n  - testing.test\n  - notls.test\n  - mxexpired.test\n  - uncovered.test\n");
  auto agent = start();
  ASSERT_TRUE(ready(*agent)) << agent->log();
  const std::string m = agent->metrics();
  std::ofstream(dir_ / "metrics.txt") << m;

  auto value = [&m](const std::string& series) { return metric_value(m, series); };
  EXPECT_EQ(value(R"(mtasts_domain_verdict{domain="good.test",verdict="ok"})"), 1) << m;
  EXPECT_EQ(value(R"(mtasts_policy_info{domain="good.test",id="20261127T1200",mode="enforce"})"),
            1);
  EXPECT_EQ(value(R"(mtasts_policy_valid{domain="good.test"})"), 1);
  EXPECT_EQ(value(R"(mtasts_sts_record_valid{domain="good.test"})"), 1);
  EXPECT_EQ(value(R"(mtasts_tlsrpt_record_valid{domain="good.test"})"), 1);
  EXPECT_EQ(value(R"(mtasts_policy_http_status_code{domain="good.test"})"), 200);
  EXPECT_EQ(value(R"(mtasts_policy_max_age_seconds{domain="good.test"})"), 1209600);
  EXPECT_EQ(value(R"(mtasts_mx_policy_match{domain="good.test",mx="mx1.good.test"})"), 1);
  EXPECT_EQ(
      value(R"(mtasts_mx_starttls_success{domain="good.test",mx="mx1.good.test",family="ipv4"})"),
      1);
  EXPECT_EQ(
      value(R"(mtasts_mx_starttls_success{domain="good.test",mx="mx1.good.test",family="ipv6"})"),
      1);
  EXPECT_EQ(
      value(
          R"(mtasts_mx_tls_version_info{domain="good.test",mx="mx1.good.test",version="TLSv1.3"})"),
      1);
  EXPECT_EQ(
      value(R"(mtasts_cert_valid{domain="good.test",host="mta-sts.good.test",role="policy"})"), 1);
  const auto policy_expiry = value(
      R"(mtasts_cert_not_after_timestamp_seconds{domain="good.test",host="mta-sts.good.test",role="policy"})");
  ASSERT_TRUE(policy_expiry);
  EXPECT_GT(*policy_expiry, now_seconds() + 80 * 86400);  // the lab makes 90-day certificates
  EXPECT_THAT(m, Not(HasSubstr("mtasts_finding{domain=\"good.test\"")));

  // Five domains with mx1.good.test among their MX hosts: its probes are shared.
  const auto made = value("mtasts_agent_smtp_probes_total");
  const auto shared = value("mtasts_agent_smtp_probes_shared_total");
  ASSERT_TRUE(made && shared);
  EXPECT_GE(*shared, 1) << m;
  EXPECT_GE(*made, 4);  // at least each MX host once, over IPv4 and IPv6

  // Mode testing is information, not a problem.
  EXPECT_EQ(value(R"(mtasts_domain_verdict{domain="testing.test",verdict="ok"})"), 1);
  EXPECT_EQ(value(R"(mtasts_policy_info{domain="testing.test",id="20261127T1200",mode="testing"})"),
            1);
  EXPECT_EQ(
      value(
          R"(mtasts_finding{domain="testing.test",code="policy_mode_testing",severity="info",subject="mta-sts.testing.test"})"),
      1);

  EXPECT_EQ(value(R"(mtasts_domain_verdict{domain="notls.test",verdict="fail"})"), 1);
  EXPECT_EQ(
      value(
          R"(mtasts_mx_starttls_success{domain="notls.test",mx="notls.mx.good.test",family="ipv4"})"),
      0);
  EXPECT_EQ(
      value(R"(mtasts_mx_starttls_success{domain="notls.test",mx="mx1.good.test",family="ipv4"})"),
      1);
  EXPECT_EQ(
      value(
          R"(mtasts_finding{domain="notls.test",code="mx_starttls_missing",severity="error",subject="notls.mx.good.test"})"),
      1);

  // An expired certificate: not valid, and its expiry exported all the same.
  EXPECT_EQ(
      value(R"(mtasts_cert_valid{domain="mxexpired.test",host="expired.mx.good.test",role="mx"})"),
      0);
  const auto expired = value(
      R"(mtasts_cert_not_after_timestamp_seconds{domain="mxexpired.test",host="expired.mx.good.test",role="mx"})");
  ASSERT_TRUE(expired);
  EXPECT_LT(*expired, now_seconds());

  EXPECT_EQ(value(R"(mtasts_mx_policy_match{domain="uncovered.test",mx="mx1.good.test"})"), 0);
  EXPECT_EQ(
      value(
          R"(mtasts_finding{domain="uncovered.test",code="mx_not_covered",severity="error",subject="mx1.good.test"})"),
      1);

  EXPECT_EQ(value("mtasts_agent_domains"), 5);
  EXPECT_EQ(value("mtasts_agent_domains_checked"), 5);
  EXPECT_GE(*value("mtasts_agent_checks_total"), 5);
  EXPECT_EQ(value("mtasts_agent_config_last_reload_successful"), 1);

  // The exposition passes Prometheus' own linter.
  const auto promtool =
      run_process("/bin/sh", {"-c", "promtool check metrics < " + (dir_ / "metrics.txt").string()});
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;

  // The API has the same report as `check --json`.
  const auto api = agent->get("/api/v1/domains/notls.test");
  EXPECT_EQ(api.response.status, 200);
  EXPECT_THAT(api.response.body, HasSubstr("\"verdict\": \"fail\""));
}

// The verdict rules as senders see them, through /metrics (check_lab_test has them through
// `check`): an MX that refuses is an error only when no other MX answers, a day of max_age is
// advice, TLS-RPT problems are warnings, a record without ';' is discarded, a Unicode target
// is checked as its A-label.
TEST_F(ServeLab, VerdictRulesThroughMetrics) {
  write_config(
      "  - onlyrefused.test\n  - mxrefused.test\n  - dayage.test\n  - badtlsrpt.test\n"
      "  - nosemicolon.test\n  - münchen.test\n");
  auto agent = start();
  ASSERT_TRUE(ready(*agent)) << agent->log();
  const std::string m = agent->metrics();
  auto value = [&m](const std::string& series) { return metric_value(m, series); };
  EXPECT_EQ(value(R"(mtasts_domain_verdict{domain="onlyrefused.test",verdict="fail"})"), 1) << m;
  EXPECT_EQ(
      value(
          R"(mtasts_finding{domain="onlyrefused.test",code="mx_connect_failed",severity="error",subject="refused.mx.good.test"})"),
      1);
  EXPECT_EQ(value(R"(mtasts_domain_verdict{domain="mxrefused.test",verdict="warning"})"), 1);
  EXPECT_EQ(
      value(
          R"(mtasts_finding{domain="mxrefused.test",code="mx_connect_failed",severity="warning",subject="refused.mx.good.test"})"),
      1);
  EXPECT_EQ(value(R"(mtasts_domain_verdict{domain="dayage.test",verdict="ok"})"), 1);
  EXPECT_EQ(
      value(
          R"(mtasts_finding{domain="dayage.test",code="policy_max_age_short",severity="info",subject="mta-sts.dayage.test"})"),
      1);
  EXPECT_EQ(value(R"(mtasts_domain_verdict{domain="badtlsrpt.test",verdict="warning"})"), 1);
  EXPECT_EQ(value(R"(mtasts_domain_verdict{domain="nosemicolon.test",verdict="warning"})"), 1);
  EXPECT_EQ(value(R"(mtasts_sts_record_valid{domain="nosemicolon.test"})"), 1);
  EXPECT_EQ(
      value(
          R"(mtasts_finding{domain="nosemicolon.test",code="sts_record_discarded",severity="warning",subject="_mta-sts.nosemicolon.test"})"),
      1);
  EXPECT_EQ(value(R"(mtasts_domain_verdict{domain="xn--mnchen-3ya.test",verdict="ok"})"), 1);
  // A refused connection proves the agent's port 25.
  EXPECT_EQ(value("mtasts_agent_port25_egress_up"), 1);
  // The status page names the Unicode form.
  EXPECT_THAT(agent->get("/").response.body, HasSubstr("münchen.test (xn--mnchen-3ya.test)"));
}

// DANE in the daemon, on the lab's signed zone: each case gives its finding and its series,
// the sender outlook says who would deliver, and a restart keeps the DANE facts.
TEST_F(ServeLab, DaneThroughMetricsAndPages) {
  write_config(
      "  - good.dane.test\n  - stale.dane.test\n  - bogus.dane.test\n  - nostarttls.dane.test\n"
      "  - cname.dane.test\n  - tlsaunsigned.test\n",
      "1m", "  dane_trust_anchor: " + lab_dir() + "/dnssec/trust-anchor.ds\n");
  auto agent = start();
  ASSERT_TRUE(ready(*agent)) << agent->log();
  const std::string m = agent->metrics();
  std::ofstream(dir_ / "metrics.txt") << m;
  const auto value = [&m](const std::string& series) { return metric_value(m, series); };
  const auto finding = [&](const std::string& domain, const std::string& code) {
    return m.find("mtasts_finding{domain=\"" + domain + "\",code=\"" + code + "\"") !=
           std::string::npos;
  };
  EXPECT_EQ(value("mtasts_agent_dane_validation_up"), 1) << m;

  // Current and next key: DANE applies and matches.
  EXPECT_EQ(value(R"(mtasts_dnssec_status{domain="good.dane.test",status="secure"})"), 1) << m;
  EXPECT_EQ(
      value(
          R"(mtasts_mx_dnssec_status{domain="good.dane.test",mx="mx.good.dane.test",status="secure"})"),
      1);
  EXPECT_EQ(
      value(R"(mtasts_mx_tlsa_usable_records{domain="good.dane.test",mx="mx.good.dane.test"})"), 2);
  EXPECT_EQ(value(R"(mtasts_mx_tlsa_match{domain="good.dane.test",mx="mx.good.dane.test"})"), 1);
  EXPECT_EQ(value(R"(mtasts_sender_policy{domain="good.dane.test",sender="dane",policy="dane"})"),
            1);
  EXPECT_EQ(value(R"(mtasts_sender_delivers{domain="good.dane.test",sender="dane"})"), 1);

  // Only the next key: DANE senders defer, while senders without DANE still deliver.
  EXPECT_TRUE(finding("stale.dane.test", "dane_tlsa_mismatch")) << m;
  EXPECT_EQ(value(R"(mtasts_mx_tlsa_match{domain="stale.dane.test",mx="mx.stale.dane.test"})"), 0);
  EXPECT_EQ(value(R"(mtasts_sender_delivers{domain="stale.dane.test",sender="dane"})"), 0);
  EXPECT_EQ(value(R"(mtasts_sender_delivers{domain="stale.dane.test",sender="mta-sts"})"), 1);

  EXPECT_TRUE(finding("bogus.dane.test", "dnssec_bogus")) << m;
  EXPECT_EQ(
      value(
          R"(mtasts_mx_dnssec_status{domain="bogus.dane.test",mx="mx.bogus.dane.test",status="bogus"})"),
      1);
  EXPECT_TRUE(finding("nostarttls.dane.test", "dane_starttls_missing")) << m;
  EXPECT_EQ(value(R"(mtasts_sender_delivers{domain="nostarttls.dane.test",sender="dane"})"), 0);
  // A CNAME'd MX host: TLSA at the name it expands to (RFC 7672 §2.2.2).
  EXPECT_EQ(value(R"(mtasts_mx_tlsa_match{domain="cname.dane.test",mx="mx.cname.dane.test"})"), 1)
      << m;
  EXPECT_TRUE(finding("tlsaunsigned.test", "dane_tlsa_unsigned")) << m;
  EXPECT_EQ(
      value(
          R"(mtasts_mx_tlsa_usable_records{domain="tlsaunsigned.test",mx="mx.tlsaunsigned.test"})"),
      0);
  EXPECT_EQ(
      value(R"(mtasts_sender_policy{domain="tlsaunsigned.test",sender="dane",policy="none"})"), 1);

  const auto page = agent->get("/domains/stale.dane.test").response.body;
  EXPECT_THAT(page, HasSubstr("Which policy senders apply"));
  EXPECT_THAT(page, HasSubstr("<h2>DANE</h2>"));
  EXPECT_THAT(page, HasSubstr("no match"));
  EXPECT_THAT(agent->get("/").response.body, HasSubstr("senders defer"));

  // The DANE facts come back from the state database after a restart.
  EXPECT_TRUE(agent->eventually([&] { return stored_reports(dir_ / "state") == 6; }, 5s));
  agent->signal(SIGKILL);
  agent->wait_exit(5s);
  agent.reset();
  auto again = start({}, "log2");
  const std::string before_checks = again->metrics();
  EXPECT_EQ(
      metric_value(before_checks,
                   R"(mtasts_mx_tlsa_match{domain="stale.dane.test",mx="mx.stale.dane.test"})"),
      0)
      << before_checks;
}

// The operator's own validating resolver, trusted for its AD bit (dane_resolver).
TEST_F(ServeLab, DaneTrustsTheAdBitOfANamedLocalResolver) {
  write_config("  - good.dane.test\n  - stale.dane.test\n", "1m",
               "  dane_resolver: 127.0.0.55\n  dane_trust_anchor: " + lab_dir() +
                   "/dnssec/trust-anchor.ds\n");
  auto agent = start();
  ASSERT_TRUE(ready(*agent)) << agent->log();
  const std::string m = agent->metrics();
  EXPECT_EQ(metric_value(m, "mtasts_agent_dane_validation_up"), 1) << m << agent->log();
  EXPECT_EQ(
      metric_value(m, R"(mtasts_mx_tlsa_match{domain="good.dane.test",mx="mx.good.dane.test"})"), 1)
      << m;
  EXPECT_EQ(
      metric_value(m, R"(mtasts_mx_tlsa_match{domain="stale.dane.test",mx="mx.stale.dane.test"})"),
      0);
}

// A resolver that does not validate (the lab's plain recursive one): DANE is left unchecked,
// the agent says so once, and no domain gets a DANE finding for it.
TEST_F(ServeLab, AResolverThatDoesNotValidateTurnsDaneOffNotTheDomains) {
  write_config("  - stale.dane.test\n", "1m",
               "  dane_resolver: 127.0.0.54\n  dane_trust_anchor: " + lab_dir() +
                   "/dnssec/trust-anchor.ds\n");
  auto agent = start();
  ASSERT_TRUE(ready(*agent)) << agent->log();
  const std::string m = agent->metrics();
  EXPECT_EQ(metric_value(m, "mtasts_agent_dane_validation_up"), 0) << m;
  EXPECT_EQ(m.find("code=\"dane_"), std::string::npos) << m;
  EXPECT_THAT(agent->log(), HasSubstr("does not set the AD bit"));
}

TEST_F(ServeLab, ReloadsChangedBrokenAndTargetFileConfigs) {
  write_config("  - good.test\n", "1m", "");
  std::ofstream(dir_ / "agent.yml", std::ios::app) << "target_files: [\"targets/*.yml\"]\n";
  auto agent = start({"--web.enable-lifecycle"});
  ASSERT_TRUE(ready(*agent)) << agent->log();
  const auto good_run = metric_value(
      agent->metrics(), R"(mtasts_check_last_run_timestamp_seconds{domain="good.test"})");
  ASSERT_TRUE(good_run);

  // A changed config: testing.test is added and checked; good.test keeps its schedule.
  write_config("  - good.test\n  - testing.test\n");
  std::ofstream(dir_ / "agent.yml", std::ios::app) << "target_files: [\"targets/*.yml\"]\n";
  EXPECT_EQ(agent->post("/-/reload").response.status, 200);
  EXPECT_TRUE(agent->eventually(
      [&] {
        return metric_value(agent->metrics(),
                            R"(mtasts_domain_verdict{domain="testing.test",verdict="ok"})") == 1;
      },
      20s))
      << agent->log();
  EXPECT_EQ(metric_value(agent->metrics(),
                         R"(mtasts_check_last_run_timestamp_seconds{domain="good.test"})"),
            good_run);

  // A broken config is refused, the running one stays.
  std::ofstream(dir_ / "agent.yml") << "global:\n  interval: often\ntargets: [good.test]\n";
  const auto refused = agent->post("/-/reload");
  EXPECT_EQ(refused.response.status, 500);
  EXPECT_THAT(refused.response.body, Not(HasSubstr("global.interval")));  // in the log only
  EXPECT_THAT(agent->log(), HasSubstr("global.interval"));
  std::string m = agent->metrics();
  EXPECT_EQ(metric_value(m, "mtasts_agent_config_last_reload_successful"), 0);
  EXPECT_EQ(metric_value(m, "mtasts_agent_domains"), 2);
  EXPECT_THAT(agent->log(), HasSubstr("reload failed; keeping the running configuration"));

  // Fixed again, by SIGHUP this time; and a new target file is picked up without a signal.
  write_config("  - good.test\n  - testing.test\n");
  std::ofstream(dir_ / "agent.yml", std::ios::app) << "target_files: [\"targets/*.yml\"]\n";
  agent->signal(SIGHUP);
  EXPECT_TRUE(agent->eventually(
      [&] {
        return metric_value(agent->metrics(), "mtasts_agent_config_last_reload_successful") == 1;
      },
      10s))
      << agent->log();
  std::ofstream(dir_ / "targets" / "ops.yml")
      << "- targets: [none.test]\n  labels:\n    team: ops\n";
  EXPECT_TRUE(agent->eventually(
      [&] {
        return metric_value(agent->metrics(),
                            R"(mtasts_domain_info{domain="none.test",team="ops"})") == 1;
      },
      20s))
      << agent->log();
  EXPECT_THAT(agent->log(), HasSubstr("trigger=\"target file changed\""));

  // Removing the file removes the domain and its series.
  fs::remove(dir_ / "targets" / "ops.yml");
  EXPECT_TRUE(agent->eventually(
      [&] { return agent->metrics().find("domain=\"none.test\"") == std::string::npos; }, 20s));
}

TEST_F(ServeLab, ChangeDetectionSurvivesARestart) {
  const RestoredLabFile restore(fs::path(lab_dir()) / "www/changing/.well-known/mta-sts.txt");
  const fs::path& policy = restore.path();
  const std::string& original = restore.original();
  ASSERT_FALSE(original.empty());

  write_config("  - changing.test\n", "3s", "  retry_interval: 3s\n");
  const std::string change_series =
      R"(mtasts_finding{domain="changing.test",code="policy_changed_without_id_change",severity="warning",subject="_mta-sts.changing.test"})";
  const std::string last_change =
      R"(mtasts_policy_last_change_timestamp_seconds{domain="changing.test"})";
  const std::string previous_expiry =
      R"(mtasts_policy_previous_expiry_timestamp_seconds{domain="changing.test"})";
  double changed_at = 0;
  {
    auto agent = start();
    ASSERT_TRUE(ready(*agent)) << agent->log();
    EXPECT_EQ(metric_value(agent->metrics(),
                           R"(mtasts_domain_verdict{domain="changing.test",verdict="ok"})"),
              1);
    const auto first_seen = metric_value(agent->metrics(), last_change);
    ASSERT_TRUE(first_seen);

    // The operator edits the policy and forgets the id.
    std::ofstream(policy, std::ios::binary)
        << "version: STSv1\r\nmode: testing\r\nmx: mx1.good.test\r\nmax_age: 604800\r\n";
    ASSERT_TRUE(
        agent->eventually([&] { return metric_value(agent->metrics(), change_series) == 1; }, 20s))
        << agent->log();
    std::string m = agent->metrics();
    changed_at = *metric_value(m, last_change);
    EXPECT_GT(changed_at, *first_seen);
    // Senders that fetched the old policy (max_age 1209600) may apply it until then (§8.3).
    EXPECT_EQ(metric_value(m, previous_expiry), changed_at + 1209600);
    EXPECT_EQ(metric_value(m, R"(mtasts_domain_verdict{domain="changing.test",verdict="warning"})"),
              1);
    EXPECT_EQ(
        metric_value(m, R"(mtasts_policy_info{domain="changing.test",id="1",mode="testing"})"), 1);

    agent->signal(SIGTERM);
    EXPECT_EQ(agent->wait_exit(15s), 0) << agent->log();
  }
  EXPECT_TRUE(fs::exists(dir_ / "state" / "state.db"));

  // After a restart the agent still knows: the finding stays, the change keeps its time.
  auto again = start({}, "log2");
  ASSERT_TRUE(ready(*again)) << again->log();
  const std::string m = again->metrics();
  EXPECT_EQ(metric_value(m, change_series), 1) << m;
  EXPECT_EQ(metric_value(m, last_change), changed_at);
  EXPECT_EQ(metric_value(m, previous_expiry), changed_at + 1209600);
  EXPECT_THAT(again->get("/domains/changing.test").response.body,
              HasSubstr("previous policy may be applied until"));
}

// No false all-clear after a restart: the latest reports are served at once, with their
// original check time, before any check has run again, even after a kill -9.
TEST_F(ServeLab, ARestartServesThePreviousResultsBeforeAnyRecheck) {
  // onlysilent.test's only MX never greets, so each check takes the whole timeout (6 s):
  // long enough to scrape the restarted agent before its first check ends.
  write_config("  - onlysilent.test\n  - good.test\n", "6s");
  const std::string fail = R"(mtasts_domain_verdict{domain="onlysilent.test",verdict="fail"})";
  const std::string last_run =
      R"(mtasts_check_last_run_timestamp_seconds{domain="onlysilent.test"})";
  std::optional<double> checked_at;
  {
    auto agent = start();
    ASSERT_TRUE(ready(*agent)) << agent->log();
    const std::string m = agent->metrics();
    EXPECT_EQ(metric_value(m, fail), 1) << m;
    checked_at = metric_value(m, last_run);
    ASSERT_TRUE(checked_at);
    // Finished checks are written within a second: once both are, a kill -9 loses nothing.
    EXPECT_TRUE(agent->eventually([&] { return stored_reports(dir_ / "state") == 2; }, 5s));
    agent->signal(SIGKILL);
    agent->wait_exit(5s);
  }
  auto again = start({}, "log2");
  // Ready at once: every domain has a report, restored.
  ASSERT_EQ(again->get("/-/ready").response.status, 200) << again->log();
  const std::string m = again->metrics();
  EXPECT_EQ(metric_value(m, fail), 1) << m;
  EXPECT_EQ(metric_value(m, last_run), checked_at);  // not re-checked yet: the original time
  EXPECT_EQ(metric_value(m, R"(mtasts_domain_verdict{domain="good.test",verdict="ok"})"), 1);
  EXPECT_THAT(
      m,
      HasSubstr(R"(mtasts_finding{domain="onlysilent.test",code="mx_timeout",severity="error")"));
  // Then the next check replaces it.
  EXPECT_TRUE(again->eventually(
      [&] { return metric_value(again->metrics(), last_run) != checked_at; }, 20s));

  // A second agent on the same --storage.path is refused with a clear error.
  const auto second =
      run_process(MTASTS_AGENT_BINARY, {"serve", "--config.file=" + (dir_ / "agent.yml").string(),
                                        "--web.listen-address=127.0.0.1:0",
                                        "--storage.path=" + (dir_ / "state").string()});
  EXPECT_EQ(second.exit_code, 2) << second.err;
  EXPECT_THAT(second.err, HasSubstr("another mta-sts-agent"));
}

TEST_F(ServeLab, ShardsSplitTheDomainsWithoutOverlapOrGap) {
  std::vector<std::string> domains = {"good.test",   "testing.test",   "none.test",
                                      "notls.test",  "uncovered.test", "badid.test",
                                      "twosts.test", "implicit.test",  "mxexpired.test",
                                      "v4only.test", "nullmx.test",    "changing.test"};
  // Names without records too (checked fast: NXDOMAIN), so 30 domains split 8/10/12.
  for (int i = 0; i < 18; ++i) domains.push_back("absent" + std::to_string(i) + ".test");
  std::string targets;
  for (const auto& d : domains) targets += "  - " + d + "\n";
  write_config(targets, "1m", "  probe_mx: false\n");
  std::vector<std::unique_ptr<AgentProcess>> shards;
  for (int i = 0; i < 3; ++i) {
    shards.push_back(start(
        {
            "--shard.total=3",
            "--shard.index=" + std::to_string(i),
        },
        "log" + std::to_string(i), "state" + std::to_string(i)));
  }
  std::multiset<std::string> seen;
  const std::regex info(R"(mtasts_domain_info\{domain="([^"]+)\"[^}]*\} 1)");
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ready(*shards[static_cast<std::size_t>(i)]))
        << shards[static_cast<std::size_t>(i)]->log();
    const std::string m = shards[static_cast<std::size_t>(i)]->metrics();
    EXPECT_EQ(metric_value(m, "mtasts_agent_shard_index"), i);
    EXPECT_EQ(metric_value(m, "mtasts_agent_shards"), 3);
    std::size_t owned = 0;
    for (std::sregex_iterator it(m.begin(), m.end(), info), end; it != end; ++it, ++owned) {
      seen.insert((*it)[1]);
    }
    EXPECT_EQ(metric_value(m, "mtasts_agent_domains"), owned);
    EXPECT_GT(owned, 0u) << "shard " << i << " owns nothing";
  }
  EXPECT_EQ(seen, std::multiset<std::string>(domains.begin(), domains.end()));
}

TEST_F(ServeLab, StatusPageRendersInChromium) {
  write_config("  - good.test\n  - notls.test\n  - testing.test\n  - badpolicy.test\n");
  // A month of testing.test's senders' reports, a few failures on some days: its page's chart.
  fs::create_directories(dir_ / "state");
  for (int day = 1; day <= 30; ++day) {
    const auto run =
        ingest_report(MTASTS_AGENT_BINARY, (dir_ / "state").string(),
                      {.domain = "testing.test",
                       .organization = day % 3 == 0 ? "Other Provider" : "Large Mail Provider",
                       .day = utc_day(day),
                       .successful = 400 + 37 * (day % 7),
                       .failed = day % 5 == 0 ? day : 0});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  auto agent = start();
  ASSERT_TRUE(ready(*agent)) << agent->log();
  const std::string url = "http://127.0.0.1:" + std::to_string(agent->port()) + "/";
  const std::vector<std::string> common = {"--headless", "--no-sandbox", "--disable-gpu",
                                           "--user-data-dir=" + (dir_ / "chromium").string(),
                                           "--window-size=1400,900"};
  auto dom_args = common;
  dom_args.insert(dom_args.end(), {"--dump-dom", url});
  const auto dom = run_process("/usr/bin/chromium", dom_args);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  // What a person sees: every domain, worst first, with its findings.
  const auto badpolicy = dom.out.find("data-domain=\"badpolicy.test\"");
  const auto notls = dom.out.find("data-domain=\"notls.test\"");
  const auto good = dom.out.find("data-domain=\"good.test\"");
  const auto testing = dom.out.find("data-domain=\"testing.test\"");
  ASSERT_NE(notls, std::string::npos) << dom.out;
  ASSERT_NE(testing, std::string::npos);
  EXPECT_LT(badpolicy, notls);  // both fail: by name
  EXPECT_LT(notls, good);       // fail before ok
  EXPECT_LT(good, testing);
  EXPECT_THAT(dom.out, HasSubstr("mx_starttls_missing"));
  EXPECT_THAT(dom.out, HasSubstr("policy_mode_invalid"));
  EXPECT_THAT(dom.out, HasSubstr("4 domains"));
  // What senders reported: the 2-day count on the overview, the chart on the domain's page.
  EXPECT_THAT(dom.out, HasSubstr("sessions ok"));
  auto reports_args = common;
  reports_args.insert(reports_args.end(), {"--dump-dom", url + "domains/testing.test"});
  const auto reports = run_process("/usr/bin/chromium", reports_args);
  ASSERT_EQ(reports.exit_code, 0) << reports.err;
  EXPECT_THAT(reports.out, HasSubstr("id=\"sessions-chart\""));
  EXPECT_THAT(reports.out, HasSubstr("Other Provider"));

  const fs::path artifacts = MTASTS_ARTIFACT_DIR;
  fs::create_directories(artifacts);
  for (const auto& [page, file] :
       {std::pair{std::string("/"), "status-page.png"},
        std::pair{std::string("/domains/notls.test"), "domain-page.png"},
        std::pair{std::string("/domains/testing.test"), "domain-reports.png"}}) {
    auto shot_args = common;
    shot_args.insert(shot_args.end(), {"--screenshot=" + (artifacts / file).string(),
                                       "http://127.0.0.1:" + std::to_string(agent->port()) + page});
    const auto shot = run_process("/usr/bin/chromium", shot_args);
    EXPECT_EQ(shot.exit_code, 0) << shot.err;
    EXPECT_GT(fs::file_size(artifacts / file), 10000u);
  }
}

// A hostile client against the agent's web server while the lab is checked: a flood of wrong
// passwords (each a bcrypt run at cost 10), slow readers of /metrics, and full scrapes. The
// checks share the event loop with the server; they must go on as if nobody were there.
TEST_F(ServeLab, HammeredEndpointsDoNotStallChecks) {
  crypt_data data{};
  const std::string hash = crypt_r("secret", "$2y$10$abcdefghijklmnopqrstuu", &data);
  std::ofstream(dir_ / "web.yml") << "basic_auth_users:\n  prometheus: " << hash << "\n";
  const std::vector<std::string> domains = {"good.test",      "testing.test",   "notls.test",
                                            "mxexpired.test", "uncovered.test", "mxrefused.test"};
  std::string targets;
  for (const auto& d : domains) targets += "  - " + d + "\n";
  // Checks every 5 s (retries too). They take 0.01-0.05 s here under the flood; with bcrypt on
  // the loop they took 0.6-0.8 s and the scrapes with the right password were starved.
  write_config(targets, "5s", "  timeout: 3s\n  retry_interval: 5s\n");
  auto agent = start({"--web.config.file=" + (dir_ / "web.yml").string()});
  const std::vector<std::string> right = {"Authorization: Basic cHJvbWV0aGV1czpzZWNyZXQ="};
  const std::vector<std::string> wrong = {"Authorization: Basic cHJvbWV0aGV1czp3cm9uZw=="};
  auto scrape = [&] { return agent->get("/metrics", right); };
  ASSERT_TRUE(
      agent->eventually([&] { return agent->get("/-/ready", right).response.status == 200; }, 30s))
      << agent->log();
  const auto before = metric_value(scrape().response.body, "mtasts_agent_checks_total");
  ASSERT_TRUE(before);

  std::atomic<bool> stop{false};
  std::atomic<int> unauthorized{0}, busy{0}, scrapes_ok{0}, scrapes_failed{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 64; ++i) {  // wrong passwords, as fast as answers come
    clients.emplace_back([&] {
      while (!stop) {
        const int status = agent->get("/metrics", wrong).response.status;
        if (status == 401) ++unauthorized;
        if (status == 429) ++busy;
      }
    });
  }
  for (int i = 0; i < 4; ++i) {  // slow readers: ask for /metrics, read nothing for a while
    clients.emplace_back([&] {
      while (!stop) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        const int small = 1024;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(agent->port());
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
          const std::string request =
              "GET /metrics HTTP/1.1\r\nHost: x\r\n" + right[0] + "\r\n\r\n";
          ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
          std::this_thread::sleep_for(2s);
        }
        ::close(fd);
      }
    });
  }
  for (int i = 0; i < 2; ++i) {  // Prometheus and dashboards, with the right password
    clients.emplace_back([&, i] {
      while (!stop) {
        const auto page = i == 0 ? scrape() : agent->get("/api/v1/domains", right);
        (page.response.status == 200 ? scrapes_ok : scrapes_failed)++;
        std::this_thread::sleep_for(200ms);
      }
    });
  }
  // The flood lasts until at least two rounds of checks have run under it (three rounds take
  // about 15 s here), with a minute's bound for a stalled agent, which the asserts then show.
  agent->eventually(
      [&] {
        const auto now = metric_value(scrape().response.body, "mtasts_agent_checks_total");
        return now && *now - *before >= 2.0 * static_cast<double>(domains.size());
      },
      60s);
  stop = true;
  for (auto& c : clients) c.join();

  const std::string m = scrape().response.body;
  // About three rounds of checks ran during the flood (at least two are asked for).
  const auto after = metric_value(m, "mtasts_agent_checks_total");
  ASSERT_TRUE(after) << m;
  EXPECT_GE(*after - *before, 2.0 * static_cast<double>(domains.size())) << m;
  // And none of them turned unknown: each domain has the verdict of a quiet run.
  for (const auto& [domain, verdict] :
       std::vector<std::pair<std::string, std::string>>{{"good.test", "ok"},
                                                        {"testing.test", "ok"},
                                                        {"notls.test", "fail"},
                                                        {"mxexpired.test", "fail"},
                                                        {"uncovered.test", "fail"},
                                                        {"mxrefused.test", "warning"}}) {
    EXPECT_EQ(metric_value(m, "mtasts_domain_verdict{domain=\"" + domain + "\",verdict=\"" +
                                  verdict + "\"}"),
              1)
        << domain << "\n"
        << m;
  }
  // Wrong passwords were refused, the excess told to come back, and scrapes were served.
  EXPECT_GT(unauthorized.load(), 0);
  EXPECT_GT(busy.load(), 0);
  EXPECT_GT(scrapes_ok.load(), 20);  // 10 when bcrypt ran on the loop, over 100 now
  EXPECT_EQ(scrapes_failed.load(), 0);
  EXPECT_TRUE(agent->running());
  // For people reading the output: what the flood looked like.
  std::cout << "flood: " << unauthorized << " answered 401, " << busy << " answered 429, "
            << scrapes_ok << " scrapes served; checks during it: " << *after - *before << "\n";
}

}  // namespace
}  // namespace mtasts::support
