// TLS-RPT reports reaching the agent the ways senders send them, through real servers in the
// lab: mail to the lab's Postfix (mx1.good.test, STARTTLS required, as an MTA-STS sender
// would), which pipes tlsrpt@pipe.reports.test to `mta-sts-agent tlsrpt ingest` and delivers
// tlsrpt@imap.reports.test to a Maildir that a real Dovecot serves over IMAP; and HTTPS posts
// to the agent's own receiver at reports.test:8462 (tests/lab/zones/test.zone). The daemon and
// the pipe run as the same unprivileged user, as the README tells operators to.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "agent_process.hpp"
#include "curl_client.hpp"
#include "dovecot_server.hpp"
#include "lab_dir.hpp"
#include "run_process.hpp"
#include "tlsrpt_reports.hpp"

namespace mtasts::support {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kDomain = "reported.test";
const std::string kPipeAddress = "tlsrpt@pipe.reports.test";
const std::string kImapAddress = "tlsrpt@imap.reports.test";
const std::string kHttpsRua = "https://reports.test:8462/tlsrpt";

class TlsRptLab : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!DovecotServer::available()) GTEST_SKIP() << "needs root and dovecot-imapd";
    lab_ = lab_dir();
    agent_ = lab_ / "bin/mta-sts-agent";
    ASSERT_TRUE(fs::exists(agent_)) << "the lab was started without MTASTS_LAB_AGENT";
    store_ = lab_ / "tlsrpt-store";
    dir_ = lab_ / "tlsrpt-test";
    // A clean store for each run (the lab may serve several), still the pipe user's.
    for (const auto& entry : fs::directory_iterator(store_)) fs::remove_all(entry.path());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    dovecot_ = std::make_unique<DovecotServer>(lab_ / "dovecot");
    ASSERT_TRUE(dovecot_->start()) << "Dovecot did not start";
  }
  void TearDown() override {
    daemon_.reset();
    dovecot_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  /// Mails `message` to `to` through the lab's MX, as a sender would.
  CurlResult mail(const std::string& to, const std::string& message) const {
    return smtp_send({"smtp://mx1.good.test:25/sender.test", "mx1.good.test:25:127.0.0.25",
                      (lab_ / "certs/ca.pem").string()},
                     "tlsrpt-noreply@sender.test", to, message);
  }

  /// Waits until Postfix has delivered (or given up on) the message to `to`.
  bool delivered(const std::string& to, const std::string& status = "sent") const {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    const std::regex line("to=<" + std::regex_replace(to, std::regex(R"(\.)"), R"(\.)") +
                          ">.*status=" + status);
    while (std::chrono::steady_clock::now() < deadline) {
      if (std::regex_search(slurp(lab_ / "postfix/maillog"), line)) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  /// Starts the daemon as nobody, checking reported.test, on the store the pipe writes, its
  /// HTTPS (with the certificate of reports.test) on the receiver and the main listener.
  void start_daemon() {
    std::ofstream(dir_ / "agent.yml")
        << "global:\n  dns_servers: [\"127.0.0.53\"]\n  ca_file: " << lab_.string()
        << "/certs/ca.pem\n  ehlo_name: probe.lab.test\n  interval: 1m\n  timeout: 20s\n"
        << "  tlsrpt_rua: [\"mailto:" << kPipeAddress << "\", \"mailto:" << kImapAddress << "\", \""
        << kHttpsRua << "\"]\ntargets:\n  - " << kDomain << "\n";
    fs::copy_file(lab_ / "certs/reports.pem", dir_ / "reports.pem");
    fs::copy_file(lab_ / "certs/reports.key", dir_ / "reports.key");
    std::ofstream(dir_ / "web.yml")
        << "tls_server_config:\n  cert_file: reports.pem\n  key_file: reports.key\n";
    std::ofstream(dir_ / "imap-password") << DovecotServer::kPassword << "\n";
    fs::permissions(dir_ / "imap-password", fs::perms::owner_read | fs::perms::owner_write);
    ASSERT_EQ(run_process("/bin/chown", {"-R", "nobody:nogroup", dir_.string()}).exit_code, 0);
    daemon_ = std::make_unique<AgentProcess>(
        "/usr/bin/setpriv",
        std::vector<std::string>{
            "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", agent_.string(), "serve",
            "--config.file=" + (dir_ / "agent.yml").string(), "--web.listen-address=127.0.0.1:0",
            "--web.config.file=" + (dir_ / "web.yml").string(), "--storage.path=" + store_.string(),
            "--tlsrpt.listen-address=127.0.0.90:8462", "--tlsrpt.imap.url=" + dovecot_->url(),
            "--tlsrpt.imap.user=" + std::string(DovecotServer::kUser),
            "--tlsrpt.imap.password-file=" + (dir_ / "imap-password").string(),
            "--tlsrpt.imap.ca-file=" + dovecot_->ca_file()},
        (dir_ / "log").string());
    ASSERT_NE(daemon_->wait_for_port(), 0) << daemon_->log();
    ASSERT_TRUE(daemon_->eventually(
        [&] { return daemon_->log().find("listening for TLS-RPT reports") != std::string::npos; },
        10s))
        << daemon_->log();
  }

  /// A GET on the daemon's main listener, over its HTTPS.
  std::string get(const std::string& target) const {
    const std::string port = std::to_string(daemon_->port());
    return https_request({"https://reports.test:" + port + target,
                          "reports.test:" + port + ":127.0.0.1", (lab_ / "certs/ca.pem").string()})
        .body;
  }

  fs::path lab_, agent_, store_, dir_;
  std::unique_ptr<DovecotServer> dovecot_;
  std::unique_ptr<AgentProcess> daemon_;
};

TEST_F(TlsRptLab, ReportsArriveByPostfixPipeByDovecotImapAndByHttps) {
  const auto yesterday = utc_day(1);
  // By mail: one report to the piped address, one to the mailbox Dovecot serves, and a message
  // that is no report, which the pipe refuses (Postfix bounces it) and keeps aside.
  const auto piped = mail(kPipeAddress, tlsrpt_report_mail({.domain = kDomain,
                                                            .organization = "Piped Sender",
                                                            .day = yesterday,
                                                            .failed = 5,
                                                            .result_type = "certificate-expired"},
                                                           kPipeAddress));
  ASSERT_TRUE(piped.ok) << piped.error;
  EXPECT_EQ(piped.status, 250);
  const auto boxed = mail(
      kImapAddress,
      tlsrpt_report_mail({.domain = kDomain, .organization = "Mailbox Sender", .day = yesterday},
                         kImapAddress));
  ASSERT_TRUE(boxed.ok) << boxed.error;
  const auto junk = mail(kPipeAddress, "From: someone@sender.test\r\nSubject: hello\r\n\r\nhi\r\n");
  ASSERT_TRUE(junk.ok) << junk.error;
  ASSERT_TRUE(delivered(kPipeAddress)) << slurp(lab_ / "postfix/maillog");
  ASSERT_TRUE(delivered(kImapAddress)) << slurp(lab_ / "postfix/maillog");
  ASSERT_TRUE(delivered(kPipeAddress, "bounced")) << slurp(lab_ / "postfix/maillog");
  EXPECT_EQ(dovecot_->messages_in(""), 1u);
  std::vector<std::string> reasons;
  for (const auto& kept : fs::directory_iterator(store_ / "tlsrpt-rejected")) {
    if (kept.path().extension() == ".reason") reasons.push_back(slurp(kept.path()));
  }
  EXPECT_EQ(reasons.size(), 1u);

  start_daemon();
  // By HTTPS, resolved and verified as a sender does for rua=https://reports.test:8462/...
  const std::string posted =
      gzip_compress(
          tlsrpt_report_json(
              {.domain = kDomain, .organization = "Posting Sender", .day = yesterday, .failed = 3}))
          .value();
  const CurlTarget receiver{kHttpsRua, "reports.test:8462:127.0.0.90",
                            (lab_ / "certs/ca.pem").string()};
  const auto post = https_request(receiver, {"Content-Type: application/tlsrpt+gzip"}, &posted);
  ASSERT_TRUE(post.ok) << post.error << "\n" << daemon_->log();
  EXPECT_EQ(post.status, 201) << post.body;
  EXPECT_EQ(https_request(receiver, {"Content-Type: application/tlsrpt+gzip"}, &posted).status,
            200);

  // Each way in counted once, and the three reporters' sessions exported for the domain.
  std::string metrics;
  const auto counted = [&](const std::string& source) {
    return metric_value(metrics, "mtasts_agent_tlsrpt_reports_total{source=\"" + source + "\"}") ==
           1;
  };
  EXPECT_TRUE(daemon_->eventually(
      [&] {
        metrics = get("/metrics");
        return counted("mail") && counted("imap") && counted("https");
      },
      30s))
      << metrics << daemon_->log();
  EXPECT_EQ(metric_value(metrics,
                         "mtasts_tlsrpt_failed_sessions_total{domain=\"reported.test\","
                         "reporter=\"Piped Sender\",result_type=\"certificate-expired\","
                         "mx=\"mx1.good.test\"}"),
            5);
  EXPECT_EQ(metric_value(metrics,
                         "mtasts_tlsrpt_sessions_total{domain=\"reported.test\","
                         "reporter=\"Mailbox Sender\",policy_type=\"sts\",result=\"success\"}"),
            100);
  EXPECT_EQ(metric_value(metrics,
                         "mtasts_tlsrpt_failed_sessions_total{domain=\"reported.test\","
                         "reporter=\"Posting Sender\",result_type=\"sts-policy-fetch-error\","
                         "mx=\"mx1.good.test\"}"),
            3);
  // Dovecot: the taken message filed away, the inbox empty.
  EXPECT_TRUE(
      daemon_->eventually([&] { return dovecot_->messages_in("TLSRPT-processed") == 1; }, 10s));
  EXPECT_EQ(dovecot_->messages_in(""), 0u);

  // The check names the reports beside its probes (the lab's MX certificate is fine, so the
  // expired certificate senders saw is unexplained from here); the rua points here and
  // reports came, so nothing says they stopped.
  std::string domain;
  EXPECT_TRUE(daemon_->eventually(
      [&] {
        domain = get("/api/v1/domains/reported.test");
        return domain.find("tlsrpt_failures_reported") != std::string::npos;
      },
      30s))
      << domain;
  // (The first check may run before the IMAP poll and the post: the piped report it has.)
  EXPECT_THAT(domain, HasSubstr("certificate-expired 5 at mx1.good.test"));
  EXPECT_THAT(domain, HasSubstr("senders report certificate-expired (5 sessions)"));
  EXPECT_THAT(domain, Not(HasSubstr("tlsrpt_reports_stopped")));
  // A report piped while the daemon runs is picked up within seconds.
  ASSERT_TRUE(
      mail(kPipeAddress, tlsrpt_report_mail(
                             {.domain = kDomain, .organization = "Piped Sender", .day = utc_day(2)},
                             kPipeAddress))
          .ok);
  EXPECT_TRUE(daemon_->eventually(
      [&] {
        metrics = get("/metrics");
        return metric_value(metrics, "mtasts_agent_tlsrpt_reports_total{source=\"mail\"}") == 2;
      },
      30s))
      << metrics;
}

}  // namespace
}  // namespace mtasts::support
