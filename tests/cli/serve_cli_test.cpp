// `serve` from the outside, without the lab: flags, start-up errors, the HTTP endpoints, the
// signals, the state file. Checks go to a DNS server that does not exist, so they end fast.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <asio/read.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "agent_process.hpp"
#include "common/time.hpp"
#include "dovecot_server.hpp"
#include "run_process.hpp"
#include "tlsrpt_reports.hpp"

namespace mtasts::support {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

class ServeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("mtasts-serve-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "state");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_config(const std::string& targets) {
    // Port 9 on loopback: nothing answers, so every lookup fails at once (unknown verdicts).
    std::ofstream(dir_ / "agent.yml") << "global:\n  dns_servers: [\"127.0.0.1:9\"]\n"
                                         "  interval: 1m\n  timeout: 5s\n"
                                      << "targets:\n"
                                      << targets;
    return (dir_ / "agent.yml").string();
  }

  /// A config whose DNS server never answers (a UDP socket nobody reads): each check waits
  /// for its timeout. `extra` goes under global:.
  std::string write_silent_dns_config(const std::string& targets, const std::string& extra) {
    std::ofstream(dir_ / "agent.yml")
        << "global:\n  dns_servers: [\"127.0.0.1:" << silent_dns_.local_endpoint().port()
        << "\"]\n  interval: 1m\n"
        << extra << "targets:\n"
        << targets;
    return (dir_ / "agent.yml").string();
  }

  std::vector<std::string> flags(const std::string& config) {
    return {"serve", "--config.file=" + config, "--web.listen-address=127.0.0.1:0",
            "--storage.path=" + (dir_ / "state").string()};
  }

  fs::path dir_;
  asio::io_context io_;
  asio::ip::udp::socket silent_dns_{io_, {asio::ip::make_address("127.0.0.1"), 0}};
};

TEST_F(ServeCli, ServesEndpointsAndStopsCleanlyOnSigterm) {
  AgentProcess agent(MTASTS_AGENT_BINARY, flags(write_config("  - a.invalid\n  - b.invalid\n")),
                     (dir_ / "log").string());
  ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
  EXPECT_EQ(agent.get("/-/healthy").response.status, 200);
  EXPECT_TRUE(agent.eventually([&] { return agent.get("/-/ready").response.status == 200; },
                               std::chrono::seconds(20)))
      << agent.log();
  const std::string metrics = agent.metrics();
  EXPECT_EQ(metric_value(metrics, "mtasts_agent_domains"), 2);
  EXPECT_EQ(
      metric_value(metrics, "mtasts_domain_verdict{domain=\"a.invalid\",verdict=\"unknown\"}"), 1)
      << metrics;
  // The daemon's own counters, which alerts use: both checks ran, both ended unknown.
  EXPECT_EQ(metric_value(metrics, "mtasts_agent_checks_total"), 2);
  EXPECT_EQ(metric_value(metrics, "mtasts_agent_check_failures_total"), 2);
  EXPECT_EQ(metric_value(metrics, "mtasts_agent_schedule_lag_seconds"), 0);
  EXPECT_EQ(metric_value(metrics, "mtasts_agent_state_save_failures_total"), 0);
  // The process families, as every Prometheus client library exposes them.
  EXPECT_GT(metric_value(metrics, "process_cpu_seconds_total").value_or(0), 0);
  EXPECT_GT(metric_value(metrics, "process_resident_memory_bytes").value_or(0), 1e6);
  EXPECT_GT(metric_value(metrics, "process_virtual_memory_bytes").value_or(0), 1e6);
  const auto open_fds = metric_value(metrics, "process_open_fds").value_or(0);
  EXPECT_GE(open_fds, 4);  // stdio, the listening socket, the state database
  EXPECT_GT(metric_value(metrics, "process_max_fds").value_or(0), open_fds);
  const double now = static_cast<double>(std::time(nullptr));
  const auto started = metric_value(metrics, "process_start_time_seconds").value_or(0);
  EXPECT_GT(started, now - 120);
  EXPECT_LE(started, now + 1);
  EXPECT_EQ(agent.get("/").response.status, 200);
  EXPECT_EQ(agent.get("/api/v1/domains/b.invalid").response.status, 200);
  EXPECT_EQ(agent.get("/nothing").response.status, 404);

  const auto gz = agent.get("/metrics", {"Accept-Encoding: gzip"});
  EXPECT_EQ(gz.response.header("content-encoding"), "gzip");

  agent.signal(SIGTERM);
  EXPECT_EQ(agent.wait_exit(std::chrono::seconds(15)), 0) << agent.log();
  EXPECT_THAT(agent.log(), HasSubstr("msg=stopping signal=SIGTERM"));
  EXPECT_THAT(agent.log(),
              HasSubstr("level=warn msg=\"check finished\" domain=a.invalid verdict=unknown"));
}

// A soft open-file limit of 256 (the default is 1024) is raised to the hard limit at start:
// 100 checks in flight with several MX addresses each would otherwise run out of sockets.
TEST_F(ServeCli, RaisesTheOpenFileLimit) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_max <= 256) GTEST_SKIP() << "the hard limit is already 256 or less";
  std::string command = "ulimit -Sn 256 && exec " + std::string(MTASTS_AGENT_BINARY);
  for (const auto& flag : flags(write_config("  - a.invalid\n"))) command += " '" + flag + "'";
  AgentProcess agent("/bin/sh", {"-c", command}, (dir_ / "log").string());
  ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
  EXPECT_EQ(metric_value(agent.metrics(), "process_max_fds"), static_cast<double>(limit.rlim_max));
}

// Checks that wait for a slot make the schedule late, and the gauge says by how much.
TEST_F(ServeCli, ScheduleLagRisesWhileChecksWaitForASlot) {
  const auto config = write_silent_dns_config("  - a.invalid\n  - b.invalid\n  - c.invalid\n",
                                              "  concurrency: 1\n  timeout: 5s\n");
  AgentProcess agent(MTASTS_AGENT_BINARY, flags(config), (dir_ / "log").string());
  ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
  // One check at a time, each waiting for DNS answers that never come: the two others are due
  // and wait, later each second.
  EXPECT_TRUE(agent.eventually(
      [&] {
        return metric_value(agent.metrics(), "mtasts_agent_schedule_lag_seconds").value_or(0) > 1.0;
      },
      std::chrono::seconds(10)))
      << agent.metrics();
  EXPECT_EQ(metric_value(agent.metrics(), "mtasts_agent_checks_in_flight"), 1);
}

// --shutdown.grace bounds how long SIGTERM waits for checks in flight.
TEST_F(ServeCli, ShutdownGraceBoundsTheWaitForRunningChecks) {
  auto args = flags(write_silent_dns_config("  - a.invalid\n", "  timeout: 60s\n"));
  args.push_back("--shutdown.grace=1s");
  AgentProcess agent(MTASTS_AGENT_BINARY, args, (dir_ / "log").string());
  ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
  ASSERT_TRUE(agent.eventually(
      [&] { return metric_value(agent.metrics(), "mtasts_agent_checks_in_flight") == 1; },
      std::chrono::seconds(10)));
  agent.signal(SIGTERM);
  EXPECT_EQ(agent.wait_exit(std::chrono::seconds(15)), 0) << agent.log();
  // Its DNS lookups alone wait longer than a second: the grace period ended the wait.
  EXPECT_THAT(agent.log(), HasSubstr("checks still running after the grace period"));
  EXPECT_THAT(agent.log(), HasSubstr("grace=1s"));
}

// A state database the agent cannot write to (here another process holds its write lock, as
// an operator's sqlite3 session or a backup might) counts each failed write, and the agent
// keeps checking and serving; once the lock is gone, what it could not write is written.
TEST_F(ServeCli, StateSaveFailuresAreCounted) {
  AgentProcess agent(MTASTS_AGENT_BINARY, flags(write_config("  - a.invalid\n")),
                     (dir_ / "log").string());
  ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "state" / "state.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "BEGIN EXCLUSIVE;", nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  EXPECT_TRUE(agent.eventually(
      [&] { return metric_value(agent.metrics(), "mtasts_agent_state_save_failures_total") >= 1; },
      std::chrono::seconds(15)))
      << agent.log();
  sqlite3_exec(db, "ROLLBACK;", nullptr, nullptr, nullptr);
  EXPECT_THAT(agent.log(), HasSubstr("cannot save the state"));
  EXPECT_EQ(agent.get("/-/healthy").response.status, 200);
  // The check of a.invalid ended while the lock was held; its next one is a minute away.
  const auto stored = [&] {
    sqlite3_stmt* count = nullptr;
    sqlite3_prepare_v2(db,
                       "SELECT count(*) FROM domains WHERE domain = 'a.invalid' AND report IS "
                       "NOT NULL;",
                       -1, &count, nullptr);
    const bool found = sqlite3_step(count) == SQLITE_ROW && sqlite3_column_int(count, 0) == 1;
    sqlite3_finalize(count);
    return found;
  };
  EXPECT_TRUE(agent.eventually(stored, std::chrono::seconds(10))) << agent.log();
  sqlite3_close(db);
}

// --log.level=error leaves out warnings and information.
TEST_F(ServeCli, LogLevelLeavesOutWhatIsBelowIt) {
  // The "listening" line that tells the port is not logged: choose one.
  std::uint16_t port = 0;
  {
    asio::ip::tcp::acceptor probe(io_, {asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  auto args = flags(write_config("  - a.invalid\n"));
  args[2] = "--web.listen-address=127.0.0.1:" + std::to_string(port);
  args.push_back("--log.level=error");
  AgentProcess agent(MTASTS_AGENT_BINARY, args, (dir_ / "log").string());
  agent.set_port(port);
  ASSERT_TRUE(agent.eventually([&] { return agent.get("/-/ready").response.status == 200; },
                               std::chrono::seconds(20)));
  agent.signal(SIGTERM);
  EXPECT_EQ(agent.wait_exit(std::chrono::seconds(15)), 0);
  // Without the flag these are logged: "listening" (info), "check finished" (warn, unknown).
  EXPECT_THAT(agent.log(), Not(HasSubstr("msg=listening")));
  EXPECT_THAT(agent.log(), Not(HasSubstr("check finished")));
}

TEST_F(ServeCli, JsonLogs) {
  auto args = flags(write_config("  - a.invalid\n"));
  args.push_back("--log.format=json");
  AgentProcess agent(MTASTS_AGENT_BINARY, args, (dir_ / "log").string());
  ASSERT_TRUE(agent.eventually(
      [&] { return agent.log().find("\"msg\":\"listening\"") != std::string::npos; },
      std::chrono::seconds(10)))
      << agent.log();
  agent.signal(SIGINT);
  EXPECT_EQ(agent.wait_exit(std::chrono::seconds(15)), 0);
  EXPECT_THAT(agent.log(), HasSubstr("{\"ts\":"));
}

TEST_F(ServeCli, InvalidConfigDoesNotStart) {
  const auto config = write_config("  - not a domain\n");
  const auto run = run_process(MTASTS_AGENT_BINARY, flags(config));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("agent.yml:"));
  EXPECT_THAT(run.err, HasSubstr("is not valid; not starting"));
}

TEST_F(ServeCli, BadFlagsExitTwoWithTheReason) {
  const auto config = write_config("  - a.invalid\n");
  auto run =
      run_process(MTASTS_AGENT_BINARY, {"--config.file=" + config, "--shard.index=3",
                                        "--shard.total=2", "--web.listen-address=127.0.0.1:0"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--shard.index 3 must be less than --shard.total 2"));
  run = run_process(MTASTS_AGENT_BINARY,
                    {"serve", "--config.file=" + config, "--web.listen-address=nowhere"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("has no port"));
  run = run_process(MTASTS_AGENT_BINARY,
                    {"serve", "--config.file=" + config, "--storage.path=/nonexistent/dir"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("not a writable directory"));
  run = run_process(MTASTS_AGENT_BINARY, {"serve", "--log.level=loud"});
  EXPECT_EQ(run.exit_code, 2);
  run = run_process(MTASTS_AGENT_BINARY,
                    {"serve", "--config.file=" + config, "--tlsrpt.retention=100y"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--tlsrpt.retention"));
}

TEST_F(ServeCli, HelpNamesEveryDaemonFlag) {
  const auto run = run_process(MTASTS_AGENT_BINARY, {"--help"});
  EXPECT_EQ(run.exit_code, 0);
  for (const char* flag :
       {"--web.listen-address", "--web.config.file", "--log.level", "--log.format",
        "--storage.path", "--shard.index", "--shard.total", "--shutdown.grace", "--config.file",
        "--config.check", "--web.enable-lifecycle", "--tlsrpt.retention", "--tlsrpt.listen-address",
        "--tlsrpt.maildir"}) {
    EXPECT_THAT(run.out, HasSubstr(flag));
  }
}

TEST_F(ServeCli, BasicAuthFromTheWebConfig) {
  // bcrypt("secret") at cost 4, made with crypt(3).
  std::ofstream(dir_ / "web.yml")
      << "basic_auth_users:\n  prom: "
         "\"$2y$04$abcdefghijklmnopqrstuu2r9OfJnfCsdneAXAGHnS4UpFFP8WIrW\"\n";
  auto args = flags(write_config("  - a.invalid\n"));
  args.push_back("--web.config.file=" + (dir_ / "web.yml").string());
  AgentProcess agent(MTASTS_AGENT_BINARY, args, (dir_ / "log").string());
  ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
  EXPECT_EQ(agent.get("/metrics").response.status, 401);
  EXPECT_EQ(agent.get("/metrics", {"Authorization: Basic cHJvbTpzZWNyZXQ="}).response.status, 200);
  EXPECT_EQ(agent.get("/metrics", {"Authorization: Basic cHJvbTp3cm9uZw=="}).response.status, 401);
}

TEST_F(ServeCli, TlsFromTheWebConfig) {
  // A self-signed certificate for 127.0.0.1, made as an operator would.
  const auto made = run_process(
      "/usr/bin/openssl",
      {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
       "2", "-subj", "/CN=agent", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
       (dir_ / "agent.key").string(), "-out", (dir_ / "agent.crt").string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  std::ofstream(dir_ / "web.yml")
      << "tls_server_config:\n  cert_file: agent.crt\n  key_file: agent.key\n";
  auto args = flags(write_config("  - a.invalid\n"));
  args.push_back("--web.config.file=" + (dir_ / "web.yml").string());
  AgentProcess agent(MTASTS_AGENT_BINARY, args, (dir_ / "log").string());
  ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
  EXPECT_THAT(agent.log(), HasSubstr("tls=true"));

  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.load_verify_file((dir_ / "agent.crt").string());
  tls.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<asio::ip::tcp::socket> stream(io, tls);
  stream.next_layer().connect({asio::ip::make_address("127.0.0.1"), agent.port()});
  stream.handshake(asio::ssl::stream_base::client);  // throws if the certificate is not ours
  const std::string request = "GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  asio::write(stream, asio::buffer(request));
  std::string answer;
  asio::error_code ec;
  asio::read(stream, asio::dynamic_buffer(answer), ec);
  EXPECT_THAT(answer, ::testing::StartsWith("HTTP/1.1 200 "));
  // Plain HTTP to the TLS port gets no answer.
  EXPECT_FALSE(agent.get("/-/healthy").ok);
}

TEST_F(ServeCli, BadWebConfigDoesNotStart) {
  std::ofstream(dir_ / "web.yml")
      << "tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n";
  auto args = flags(write_config("  - a.invalid\n"));
  args.push_back("--web.config.file=" + (dir_ / "web.yml").string());
  const auto run = run_process(MTASTS_AGENT_BINARY, args);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("cannot load the certificate chain"));
}

// The corpus's reports are of November 2026: kept past the default retention of 30 days.
std::vector<std::string> keep_reports(std::vector<std::string> flags) {
  flags.push_back("--tlsrpt.retention=3650d");
  return flags;
}

// TLS-RPT reports stored by `tlsrpt ingest` (a mail server's pipe) become the domain's metrics
// while the daemon runs; those stored while it was down are counted once it is back, each
// report once; reports for domains not configured here are stored but not exported.
TEST_F(ServeCli, TlsRptReportsIngestedBecomeMetrics) {
  const std::string corpus = std::string(MTASTS_SOURCE_DIR) + "/tests/testdata/tlsrpt/";
  const std::string storage = "--storage.path=" + (dir_ / "state").string();
  const auto ingest = [&](const std::string& file) {
    const auto run = run_process(MTASTS_AGENT_BINARY, {"tlsrpt", "ingest", storage, corpus + file});
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  };
  const auto config = write_config("  - example.org\n");
  // Stored before the daemon ever ran.
  ingest("report-mail-gzip.eml");
  // A report for a domain this agent does not check.
  const auto other = run_process(
      MTASTS_AGENT_BINARY, {"tlsrpt", "ingest", storage},
      R"({"organization-name":"O","report-id":"other-1","date-range":{"start-datetime":)"
      R"("2026-11-29T00:00:00Z","end-datetime":"2026-11-29T23:59:59Z"},"policies":[{"policy":)"
      R"({"policy-type":"sts","policy-domain":"other.example"},"summary":)"
      R"({"total-successful-session-count":1,"total-failure-session-count":0}}]})");
  EXPECT_EQ(other.exit_code, 0) << other.err;
  {
    AgentProcess agent(MTASTS_AGENT_BINARY, keep_reports(flags(config)), (dir_ / "log").string());
    ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
    const std::string series =
        "mtasts_tlsrpt_sessions_total{domain=\"example.org\",reporter=\"Large Mail Provider\","
        "policy_type=\"sts\",result=\"success\"}";
    EXPECT_TRUE(agent.eventually([&] { return metric_value(agent.metrics(), series) == 412; },
                                 std::chrono::seconds(15)))
        << agent.metrics();
    // Stored while it runs: a report with failures, from another reporter.
    ingest("offset-times-reason-code.json");
    const std::string failed =
        "mtasts_tlsrpt_failed_sessions_total{domain=\"example.org\",reporter=\"Another Provider "
        "Inc.\",result_type=\"certificate-host-mismatch\",mx=\"other\"}";
    EXPECT_TRUE(agent.eventually([&] { return metric_value(agent.metrics(), failed) == 12; },
                                 std::chrono::seconds(15)))
        << agent.metrics();
    const std::string metrics = agent.metrics();
    EXPECT_EQ(metric_value(metrics,
                           "mtasts_tlsrpt_last_report_end_timestamp_seconds{domain=\"example.org\","
                           "reporter=\"Another Provider Inc.\"}"),
              1795996800);  // 2026-11-30T00:00:00Z
    EXPECT_EQ(metric_value(metrics, "mtasts_agent_tlsrpt_reports_total{source=\"mail\"}"), 1);
    EXPECT_EQ(metric_value(metrics, "mtasts_agent_tlsrpt_reports_total{source=\"file\"}"), 2);
    EXPECT_THAT(metrics, Not(HasSubstr("other.example")));
    agent.signal(SIGTERM);
    EXPECT_EQ(agent.wait_exit(std::chrono::seconds(15)), 0) << agent.log();
  }
  // Down: one more report comes. Back: only that one is counted (counters start anew with
  // the process, as Prometheus expects of a restarted target).
  ingest("no-policy-found.json");
  AgentProcess agent(MTASTS_AGENT_BINARY, keep_reports(flags(config)), (dir_ / "log2").string());
  ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
  const std::string fetch_error =
      "mtasts_tlsrpt_failed_sessions_total{domain=\"example.org\",reporter=\"Small Sender\","
      "result_type=\"sts-policy-fetch-error\",mx=\"other\"}";
  EXPECT_TRUE(agent.eventually([&] { return metric_value(agent.metrics(), fetch_error) == 1; },
                               std::chrono::seconds(15)))
      << agent.metrics();
  const std::string metrics = agent.metrics();
  EXPECT_EQ(metric_value(metrics,
                         "mtasts_tlsrpt_failed_sessions_total{domain=\"example.org\",reporter="
                         "\"Small Sender\",result_type=\"other\",mx=\"other\"}"),
            0);  // "something-new", with no sessions
  EXPECT_THAT(metrics, Not(HasSubstr("Large Mail Provider")));
  EXPECT_EQ(metric_value(metrics, "mtasts_agent_tlsrpt_reports_total{source=\"file\"}"), 1);
}

// A report of yesterday with failures: the domain's next check carries the finding, with the
// failures by type and MX host in its message.
TEST_F(ServeCli, SendersReportedFailuresBecomeAFinding) {
  const auto stored = ingest_report(MTASTS_AGENT_BINARY, (dir_ / "state").string(),
                                    {.domain = "example.org",
                                     .organization = "Large Mail Provider",
                                     .day = utc_day(1),
                                     .successful = 93,
                                     .failed = 7,
                                     .receiving_mx = "mx1.example.org"});
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  AgentProcess agent(MTASTS_AGENT_BINARY, flags(write_config("  - example.org\n")),
                     (dir_ / "log").string());
  ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
  const std::string finding =
      "mtasts_finding{domain=\"example.org\",code=\"tlsrpt_failures_reported\",severity="
      "\"warning\",subject=\"example.org\"}";
  EXPECT_TRUE(agent.eventually([&] { return metric_value(agent.metrics(), finding) == 1; },
                               std::chrono::seconds(15)))
      << agent.metrics();
  const auto api = agent.get("/api/v1/domains/example.org");
  EXPECT_THAT(api.response.body,
              HasSubstr("senders reported 7 failed of 100 sessions in 1 reports since"));
  EXPECT_THAT(api.response.body,
              HasSubstr("(from Large Mail Provider): sts-policy-fetch-error 7 at mx1.example.org"));
}

// A sender POSTs its report to rua=https://...: the listener of its own takes it for a domain
// checked here (201, then 200 for the resend), refuses others (403), and the report is counted.
TEST_F(ServeCli, TlsRptReportsPostedOverHttpsAreTaken) {
  auto args = keep_reports(flags(write_config("  - example.org\n")));
  args.push_back("--tlsrpt.listen-address=127.0.0.1:0");
  AgentProcess agent(MTASTS_AGENT_BINARY, args, (dir_ / "log").string());
  ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
  std::smatch m;
  const std::string log = agent.log();
  const std::regex receiving(R"(msg="listening for TLS-RPT reports" address=127\.0\.0\.1:(\d+))");
  ASSERT_TRUE(std::regex_search(log, m, receiving)) << log;
  const auto port = static_cast<std::uint16_t>(std::stoi(m[1]));
  const std::string corpus = std::string(MTASTS_SOURCE_DIR) + "/tests/testdata/tlsrpt/";
  const auto post = [&](const std::string& file) {
    std::ifstream in(corpus + file);
    std::stringstream body;
    body << in.rdbuf();
    return http_request("127.0.0.1", port, "POST", "/tlsrpt",
                        {"Content-Type: application/tlsrpt+json"}, std::chrono::seconds(10),
                        body.str());
  };
  EXPECT_EQ(post("offset-times-reason-code.json").response.status, 201);
  EXPECT_EQ(post("offset-times-reason-code.json").response.status, 200);
  EXPECT_EQ(post("rfc8460-example.json").response.status, 403);
  // Not on the main listener, and no basic auth or metrics on this one.
  EXPECT_EQ(http_request("127.0.0.1", port, "GET", "/metrics").response.status, 405);
  const std::string failed =
      "mtasts_tlsrpt_failed_sessions_total{domain=\"example.org\",reporter=\"Another Provider "
      "Inc.\",result_type=\"certificate-host-mismatch\",mx=\"other\"}";
  EXPECT_TRUE(agent.eventually([&] { return metric_value(agent.metrics(), failed) == 12; },
                               std::chrono::seconds(10)))
      << agent.metrics();
  const std::string metrics = agent.metrics();
  EXPECT_EQ(metric_value(metrics,
                         "mtasts_agent_tlsrpt_inputs_total{source=\"https\","
                         "outcome=\"stored\"}"),
            1);
  EXPECT_EQ(metric_value(metrics,
                         "mtasts_agent_tlsrpt_inputs_total{source=\"https\","
                         "outcome=\"duplicate\"}"),
            1);
  EXPECT_EQ(metric_value(metrics,
                         "mtasts_agent_tlsrpt_inputs_total{source=\"https\","
                         "outcome=\"refused\"}"),
            1);
  EXPECT_EQ(metric_value(metrics, "mtasts_agent_tlsrpt_reports_total{source=\"https\"}"), 1);
}

TEST_F(ServeCli, TheTlsRptListenerNeedsTheReportStore) {
  const auto run =
      run_process(MTASTS_AGENT_BINARY,
                  {"serve", "--config.file=" + write_config("  - example.org\n"),
                   "--web.listen-address=127.0.0.1:0", "--tlsrpt.listen-address=127.0.0.1:0"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--tlsrpt.listen-address needs --storage.path"));
}

// The rua=mailto: mailbox as a Maildir: a delivered report is taken and marked seen.
TEST_F(ServeCli, TlsRptReportsDeliveredToAMaildirAreTaken) {
  for (const char* sub : {"Maildir/new", "Maildir/cur", "Maildir/tmp"}) {
    fs::create_directories(dir_ / sub);
  }
  auto args = keep_reports(flags(write_config("  - example.org\n")));
  args.push_back("--tlsrpt.maildir=" + (dir_ / "Maildir").string());
  AgentProcess agent(MTASTS_AGENT_BINARY, args, (dir_ / "log").string());
  ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
  fs::copy_file(std::string(MTASTS_SOURCE_DIR) + "/tests/testdata/tlsrpt/report-mail-gzip.eml",
                dir_ / "Maildir/new/1796000000.M1P1.mail");
  const std::string series =
      "mtasts_tlsrpt_sessions_total{domain=\"example.org\",reporter=\"Large Mail Provider\","
      "policy_type=\"sts\",result=\"success\"}";
  EXPECT_TRUE(agent.eventually([&] { return metric_value(agent.metrics(), series) == 412; },
                               std::chrono::seconds(15)))
      << agent.metrics() << agent.log();
  EXPECT_TRUE(fs::exists(dir_ / "Maildir/cur/1796000000.M1P1.mail:2,S"));
  EXPECT_EQ(metric_value(agent.metrics(),
                         "mtasts_agent_tlsrpt_inputs_total{source=\"maildir\","
                         "outcome=\"stored\"}"),
            1);
  fs::create_directories(dir_ / "state2");
  const auto bad =
      run_process(MTASTS_AGENT_BINARY,
                  {"serve", "--config.file=" + (dir_ / "agent.yml").string(),
                   "--storage.path=" + (dir_ / "state2").string(),
                   "--web.listen-address=127.0.0.1:0", "--tlsrpt.maildir=" + dir_.string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("is not a Maildir (it has no new/ directory)"));
}

// The rua=mailto: mailbox on an IMAP server (a real Dovecot): the daemon logs in, takes the
// report, files the message away, and leaves what it could not read as a report in the
// processed folder too (kept aside locally).
TEST_F(ServeCli, TlsRptReportsInAnImapMailboxAreTaken) {
  if (!DovecotServer::available()) GTEST_SKIP() << "needs root and dovecot-imapd";
  DovecotServer dovecot;
  ASSERT_TRUE(dovecot.start());
  const std::string corpus = std::string(MTASTS_SOURCE_DIR) + "/tests/testdata/tlsrpt/";
  std::ifstream report(corpus + "report-mail-gzip.eml"), other(corpus + "not-a-report.eml");
  std::stringstream report_text, other_text;
  report_text << report.rdbuf();
  other_text << other.rdbuf();
  dovecot.deliver("1796000000.M1.test", report_text.str());
  dovecot.deliver("1796000001.M2.test", other_text.str());
  std::ofstream(dir_ / "imap-password") << DovecotServer::kPassword << "\n";
  auto args = keep_reports(flags(write_config("  - example.org\n")));
  for (const std::string& flag :
       {"--tlsrpt.imap.url=" + dovecot.url(),
        std::string("--tlsrpt.imap.user=") + DovecotServer::kUser,
        "--tlsrpt.imap.password-file=" + (dir_ / "imap-password").string(),
        "--tlsrpt.imap.ca-file=" + dovecot.ca_file()}) {
    args.push_back(flag);
  }
  AgentProcess agent(MTASTS_AGENT_BINARY, args, (dir_ / "log").string());
  ASSERT_NE(agent.wait_for_port(), 0) << agent.log();
  const std::string series =
      "mtasts_tlsrpt_sessions_total{domain=\"example.org\",reporter=\"Large Mail Provider\","
      "policy_type=\"sts\",result=\"success\"}";
  EXPECT_TRUE(agent.eventually([&] { return metric_value(agent.metrics(), series) == 412; },
                               std::chrono::seconds(20)))
      << agent.metrics() << agent.log();
  EXPECT_TRUE(agent.eventually([&] { return dovecot.messages_in("TLSRPT-processed") == 2; },
                               std::chrono::seconds(10)))
      << agent.log();
  EXPECT_EQ(dovecot.messages_in(""), 0u);
  const std::string metrics = agent.metrics();
  EXPECT_EQ(metric_value(metrics,
                         "mtasts_agent_tlsrpt_inputs_total{source=\"imap\","
                         "outcome=\"stored\"}"),
            1);
  EXPECT_EQ(metric_value(metrics,
                         "mtasts_agent_tlsrpt_inputs_total{source=\"imap\","
                         "outcome=\"rejected\"}"),
            1);
  agent.signal(SIGTERM);
  EXPECT_EQ(agent.wait_exit(std::chrono::seconds(15)), 0) << agent.log();
}

TEST_F(ServeCli, TheImapMailboxNeedsItsCredentials) {
  const auto config = write_config("  - example.org\n");
  auto run = run_process(MTASTS_AGENT_BINARY,
                         {"serve", "--config.file=" + config, "--web.listen-address=127.0.0.1:0",
                          "--storage.path=" + (dir_ / "state").string(),
                          "--tlsrpt.imap.url=imaps://mail.example.net/INBOX"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("needs --tlsrpt.imap.user and --tlsrpt.imap.password-file"));
  run = run_process(MTASTS_AGENT_BINARY,
                    {"serve", "--config.file=" + config, "--web.listen-address=127.0.0.1:0",
                     "--storage.path=" + (dir_ / "state").string(),
                     "--tlsrpt.imap.url=imaps://mail.example.net/INBOX", "--tlsrpt.imap.user=r",
                     "--tlsrpt.imap.password-file=" + (dir_ / "missing").string()});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--tlsrpt.imap.password-file: cannot read"));
  run = run_process(MTASTS_AGENT_BINARY,
                    {"serve", "--config.file=" + config, "--web.listen-address=127.0.0.1:0",
                     "--storage.path=" + (dir_ / "state").string(),
                     "--tlsrpt.imap.url=pop3://mail.example.net/INBOX"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("is not an imaps:// or imap:// URL"));
}

}  // namespace
}  // namespace mtasts::support
