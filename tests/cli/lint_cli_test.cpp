// Tests of `mta-sts-agent lint` as a user runs it: the real binary, its exit codes, its
// JSON and its text. The RFC verdicts themselves are covered by tests/unit/mtasts.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fake_dns_server.hpp"
#include "mtasts/finding.hpp"
#include "run_process.hpp"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using AgentRun = mtasts::support::ProcessRun;

AgentRun run_agent(const std::vector<std::string>& args, const std::string& input = "") {
  return mtasts::support::run_process(MTASTS_AGENT_BINARY, args, input);
}

nlohmann::json json_of(const AgentRun& run) {
  try {
    return nlohmann::json::parse(run.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON: " << e.what() << "\n" << run.out;
    return {};
  }
}

std::vector<std::string> codes_of(const nlohmann::json& j) {
  std::vector<std::string> out;
  for (const auto& f : j.at("findings")) out.push_back(f.at("code").get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

const std::string kExample = std::string(MTASTS_SOURCE_DIR) + "/examples/mta-sts.txt";
const std::string kTestdata = std::string(MTASTS_SOURCE_DIR) + "/tests/testdata/policies/";

// --- usage and help -------------------------------------------------------------------

TEST(LintCli, VersionAndHelpExitZero) {
  const AgentRun version = run_agent({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.out, HasSubstr("mta-sts-agent "));
  for (const auto& args : std::vector<std::vector<std::string>>{{"--help"},
                                                                {"lint", "--help"},
                                                                {"lint", "record", "--help"},
                                                                {"lint", "tlsrpt", "--help"},
                                                                {"lint", "policy", "--help"}}) {
    const AgentRun help = run_agent(args);
    EXPECT_EQ(help.exit_code, 0) << args.back();
    EXPECT_THAT(help.out, HasSubstr("Usage")) << args.front();
  }
  EXPECT_THAT(run_agent({"lint", "policy", "--help"}).out, HasSubstr("--mx"));
  EXPECT_THAT(run_agent({"lint", "record", "--help"}).out, HasSubstr("--json"));
}

TEST(LintCli, UsageErrorsExitTwo) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{},
                                             {"lint"},
                                             {"lint", "record"},
                                             {"lint", "tlsrpt"},
                                             {"lint", "policy"},
                                             {"lint", "bogus"},
                                             {"frobnicate"},
                                             {"lint", "record", "v=STSv1; id=1", "--bogus"},
                                             {"lint", "policy", kExample, "--color=purple"},
                                             {"lint", "policy", kExample, "second-file"}}) {
    const AgentRun run = run_agent(args);
    EXPECT_EQ(run.exit_code, 2) << ::testing::PrintToString(args);
    EXPECT_FALSE(run.err.empty()) << ::testing::PrintToString(args);
  }
}

TEST(LintCli, UnreadableInputExitsTwoWithTheReason) {
  const AgentRun missing = run_agent({"lint", "policy", "/nonexistent/mta-sts.txt"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("No such file"));
  const AgentRun directory = run_agent({"lint", "policy", MTASTS_SOURCE_DIR});
  EXPECT_EQ(directory.exit_code, 2);
  EXPECT_THAT(directory.err, HasSubstr("Is a directory"));
  const AgentRun huge = run_agent({"lint", "policy", "-"}, std::string(2 * 1024 * 1024, 'x'));
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_THAT(huge.err, HasSubstr("larger than"));
  const AgentRun bad_quote = run_agent({"lint", "record", "\"v=STSv1; id=1"});
  EXPECT_EQ(bad_quote.exit_code, 2);
  EXPECT_THAT(bad_quote.err, HasSubstr("not closed"));
}

// An MX host typed in Unicode is matched as its A-label, which is what policies carry.
TEST(LintCli, MxInUnicodeIsMatchedAsItsALabel) {
  const std::string policy =
      "version: STSv1\r\nmode: enforce\r\nmx: *.xn--bcher-kva.example\r\nmax_age: 604800\r\n";
  const AgentRun json =
      run_agent({"lint", "policy", "-", "--json", "--mx", "mx.bücher.example"}, policy);
  EXPECT_EQ(json.exit_code, 0) << json.err;
  const auto coverage = json_of(json).at("mx_coverage").at(0);
  EXPECT_EQ(coverage.at("host"), "mx.xn--bcher-kva.example");
  EXPECT_EQ(coverage.at("covered"), true);
  const AgentRun text = run_agent({"lint", "policy", "-", "--mx", "mx.bücher.example"}, policy);
  EXPECT_THAT(text.out, HasSubstr("mx.bücher.example (mx.xn--bcher-kva.example)  covered by"));
  const AgentRun bad = run_agent({"lint", "policy", "-", "--mx", "mx.bü cher.example"}, policy);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("not a valid internationalized name"));
}

TEST(LintCli, MxMustBeAHostName) {
  const AgentRun run = run_agent({"lint", "policy", kExample, "--mx", "192.0.2.1"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("IP address"));
}

// --- lint record ----------------------------------------------------------------------

TEST(LintCli, RecordValidExitsZero) {
  const AgentRun run = run_agent({"lint", "record", "v=STSv1; id=20240101T000000Z;", "--json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const auto j = json_of(run);
  EXPECT_EQ(j.at("valid"), true);
  EXPECT_EQ(j.at("id"), "20240101T000000Z");
  EXPECT_TRUE(j.at("findings").empty());
}

TEST(LintCli, RecordInvalidExitsOneWithFieldsNull) {
  const AgentRun run = run_agent({"lint", "record", "--json", "v=STSv1; id=2024-01-01"});
  EXPECT_EQ(run.exit_code, 1);
  const auto j = json_of(run);
  EXPECT_EQ(j.at("valid"), false);
  EXPECT_TRUE(j.at("id").is_null());
  EXPECT_EQ(codes_of(j), std::vector<std::string>{"sts_record_invalid"});
  const auto& f = j.at("findings").at(0);
  EXPECT_EQ(f.at("severity"), "error");
  EXPECT_EQ(f.at("subject"), "_mta-sts");
  EXPECT_EQ(f.at("rfc"), "RFC 8461 §3.1");
  EXPECT_THAT(f.at("message").get<std::string>(), HasSubstr("letters and digits"));
}

TEST(LintCli, RecordSeveralArgumentsAreTheWholeSet) {
  const AgentRun two = run_agent({"lint", "record", "--json", "v=STSv1; id=1", "v=STSv1; id=2"});
  EXPECT_EQ(two.exit_code, 1);
  EXPECT_EQ(codes_of(json_of(two)), std::vector<std::string>{"sts_record_multiple"});
  const AgentRun one = run_agent({"lint", "record", "--json", "v=spf1 -all", "v=STSv1; id=2"});
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_EQ(json_of(one).at("id"), "2");
}

TEST(LintCli, RecordQuotedStringsAreOneRecord) {
  const AgentRun run = run_agent({"lint", "record", "--json", "\"v=STSv1; \" \"id=abc\""});
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(json_of(run).at("id"), "abc");
}

TEST(LintCli, RecordTextOutput) {
  const AgentRun run = run_agent({"lint", "record", "v=STSv1; id=1; ext=x"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.out, HasSubstr("_mta-sts TXT record: valid"));
  EXPECT_THAT(run.out, HasSubstr("sts_record_unknown_field"));
  EXPECT_THAT(run.out, Not(HasSubstr("\x1b[")));  // not a terminal: no colour
  const AgentRun colored = run_agent({"lint", "record", "--color=always", "v=STSv1"});
  EXPECT_EQ(colored.exit_code, 1);
  EXPECT_THAT(colored.out, HasSubstr("\x1b["));
}

// --- lint tlsrpt ----------------------------------------------------------------------

TEST(LintCli, TlsRptValidAndBareAddress) {
  const AgentRun ok =
      run_agent({"lint", "tlsrpt", "--json",
                 "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://r.example.com/v1"});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(json_of(ok).at("rua"),
            nlohmann::json({"mailto:tlsrpt@example.com", "https://r.example.com/v1"}));
  const AgentRun bare =
      run_agent({"lint", "tlsrpt", "--json", "v=TLSRPTv1; rua=tlsrpt@example.com"});
  EXPECT_EQ(bare.exit_code, 1);
  const auto j = json_of(bare);
  EXPECT_EQ(j.at("valid"), false);
  EXPECT_THAT(codes_of(j), ::testing::Contains("tlsrpt_rua_invalid"));
  EXPECT_THAT(bare.out, HasSubstr("mailto:tlsrpt@example.com"));
}

// --- lint policy ----------------------------------------------------------------------

TEST(LintCli, PolicyBundledExampleIsValid) {
  const AgentRun run = run_agent({"lint", "policy", kExample, "--json"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto j = json_of(run);
  EXPECT_EQ(j.at("valid"), true);
  EXPECT_EQ(j.at("version"), "STSv1");
  EXPECT_EQ(j.at("mode"), "enforce");
  EXPECT_EQ(j.at("max_age"), 1209600);
  EXPECT_EQ(j.at("mx"), nlohmann::json({"mail.example.com", "*.mx.example.net"}));
  EXPECT_FALSE(j.contains("mx_coverage"));  // only with --mx
}

TEST(LintCli, PolicyFromStandardInput) {
  const AgentRun run =
      run_agent({"lint", "policy", "-", "--json"}, "version: STSv1\nmode: none\nmax_age: 86400\n");
  EXPECT_EQ(run.exit_code, 0);
  const auto j = json_of(run);
  EXPECT_EQ(j.at("mode"), "none");
  EXPECT_THAT(codes_of(j), ::testing::ElementsAre("policy_lf_line_endings", "policy_mode_none"));
  EXPECT_EQ(j.at("findings").at(0).at("subject"), "stdin");
}

TEST(LintCli, PolicyMxCoverage) {
  const AgentRun run = run_agent({"lint", "policy", kExample, "--json", "--mx", "MAIL.example.com.",
                                  "--mx=mx1.mx.example.net", "--mx", "mx.other.example"});
  EXPECT_EQ(run.exit_code, 1);  // enforce: an uncovered MX is an error
  const auto j = json_of(run);
  const auto& rows = j.at("mx_coverage");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], nlohmann::json({{"host", "mail.example.com"},  // as matched
                                     {"covered", true},
                                     {"pattern", "mail.example.com"}}));
  EXPECT_EQ(rows[1].at("pattern"), "*.mx.example.net");
  EXPECT_EQ(rows[2], nlohmann::json(
                         {{"host", "mx.other.example"}, {"covered", false}, {"pattern", nullptr}}));
  EXPECT_EQ(codes_of(j), std::vector<std::string>{"mx_not_covered"});
  EXPECT_EQ(j.at("findings").at(0).at("subject"), "mx.other.example");
  EXPECT_EQ(j.at("findings").at(0).at("severity"), "error");
}

TEST(LintCli, PolicyUncoveredMxUnderTestingIsAWarning) {
  const AgentRun run = run_agent(
      {"lint", "policy", kTestdata + "testing.txt", "--json", "--mx", "mx.other.example"});
  EXPECT_EQ(run.exit_code, 0);
  const auto j = json_of(run);
  EXPECT_THAT(codes_of(j),
              ::testing::ElementsAre("mx_not_covered", "policy_mode_testing", "policy_mx_unused"));
  for (const auto& f : j.at("findings")) {
    if (f.at("code") == "mx_not_covered") {
      EXPECT_EQ(f.at("severity"), "warning");
    }
  }
}

TEST(LintCli, PolicyBrokenReportsEveryProblem) {
  const AgentRun run = run_agent({"lint", "policy", kTestdata + "broken.txt", "--json"});
  EXPECT_EQ(run.exit_code, 1);
  const auto j = json_of(run);
  EXPECT_EQ(j.at("valid"), false);
  EXPECT_EQ(j.at("version"), "STSv1");
  EXPECT_TRUE(j.at("mode").is_null());
  EXPECT_EQ(j.at("max_age"), 86400);
  EXPECT_TRUE(j.at("mx").empty());
  EXPECT_EQ(codes_of(j), (std::vector<std::string>{"policy_lf_line_endings", "policy_mode_invalid",
                                                   "policy_mx_invalid", "policy_mx_invalid"}));
}

TEST(LintCli, PolicyTextOutputShowsFieldsCoverageAndFindings) {
  const AgentRun run = run_agent(
      {"lint", "policy", kExample, "--mx", "mx9.mx.example.net", "--mx", "backup.example.org"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.out, HasSubstr("policy " + kExample + ": valid"));
  EXPECT_THAT(run.out, HasSubstr("1209600 (14 days)"));
  EXPECT_THAT(run.out, HasSubstr("covered by *.mx.example.net"));
  EXPECT_THAT(run.out, HasSubstr("NOT COVERED"));
  EXPECT_THAT(run.out, HasSubstr("mx_not_covered"));
  EXPECT_THAT(run.out, HasSubstr("[RFC 8461 §4.1]"));
  EXPECT_THAT(run.out, HasSubstr("what to do:"));
  EXPECT_THAT(run.out,
              HasSubstr(std::string(mtasts::spec(mtasts::FindingCode::mx_not_covered).advice)));
}

TEST(LintCli, GarbageInputNeverCrashesAndStaysJson) {
  std::string garbage;
  unsigned state = 12345;
  for (int i = 0; i < 70000; ++i) {
    state = state * 1103515245u + 12345u;
    garbage += static_cast<char>(state >> 24);
  }
  const AgentRun policy = run_agent({"lint", "policy", "-", "--json"}, garbage);
  EXPECT_EQ(policy.exit_code, 1);
  EXPECT_EQ(json_of(policy).at("valid"), false);
  EXPECT_THAT(codes_of(json_of(policy)), ::testing::Contains("policy_too_large"));
  const AgentRun text = run_agent({"lint", "policy", "-"}, garbage);
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_THAT(text.out, Not(HasSubstr("\x1b")));  // no escape sequences from the input
  const AgentRun record = run_agent({"lint", "record", "--json", garbage.substr(0, 4000)});
  EXPECT_EQ(record.exit_code, 1);
  json_of(record);
}

// Every problem of an input gets its own finding (codes_of sorts them).
TEST(LintCli, EachProblemOfAnInputIsNamed) {
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> codes;
  };
  for (const Case& c : std::vector<Case>{
           {{"lint", "policy", kTestdata + "broken.txt", "--json", "--mx", "a.example"},
            {"mx_not_covered", "policy_lf_line_endings", "policy_mode_invalid", "policy_mx_invalid",
             "policy_mx_invalid"}},
           {{"lint", "record", "--json", "v=STSv1; id=1; id=2; x=1"},
            {"sts_record_duplicate_field", "sts_record_unknown_field"}},
           {{"lint", "tlsrpt", "--json",
             "v=TLSRPTv1; rua=http://x.example/; rua=mailto:a@b.example; y=1"},
            {"tlsrpt_duplicate_field", "tlsrpt_invalid", "tlsrpt_rua_invalid",
             "tlsrpt_unknown_field"}}}) {
    EXPECT_EQ(codes_of(json_of(run_agent(c.args))), c.codes) << c.args[1];
  }
}

// --- check: input errors (the network behaviour is in tests/integration) -----------------

TEST(CheckCli, HelpListsEveryOption) {
  const AgentRun help = run_agent({"check", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* option :
       {"--json", "--dns-server", "--ca-file", "--no-mx", "--timeout", "--ehlo-name",
        "--expiry-warning", "--policy-port", "--smtp-port", "--egress-canary"}) {
    EXPECT_THAT(help.out, HasSubstr(option));
  }
}

// A DNS server that refuses at once (port 9 on loopback): each check ends fast, unknown.
const std::vector<std::string> kNoDns = {"check", "--dns-server", "127.0.0.1:9"};

std::vector<std::string> check_args(std::vector<std::string> extra) {
  auto args = kNoDns;
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(CheckCli, ColorAlwaysPaintsNeverAndAutoInAPipeDoNot) {
  const std::string escape = "\x1b[";
  EXPECT_THAT(run_agent(check_args({"--color=always", "a.invalid"})).out, HasSubstr(escape));
  EXPECT_THAT(run_agent(check_args({"--color=never", "a.invalid"})).out,
              ::testing::Not(HasSubstr(escape)));
  // Standard output is a pipe here, not a terminal.
  EXPECT_THAT(run_agent(check_args({"a.invalid"})).out, ::testing::Not(HasSubstr(escape)));
}

TEST(CheckCli, NoMxSkipsTheMxHosts) {
  EXPECT_EQ(json_of(run_agent(check_args({"--json", "a.invalid"})))["mx_probed"], true);
  EXPECT_EQ(json_of(run_agent(check_args({"--no-mx", "--json", "a.invalid"})))["mx_probed"], false);
}

/// A domain whose names a loopback DNS server answers: its policy host and its one MX host
/// are 127.0.0.1. Two listeners count the connections the agent makes to them.
class CheckPortsTest : public ::testing::Test {
 protected:
  CheckPortsTest()
      : dns_(io_, [](const Bytes& query) {
          using Dns = mtasts::support::FakeDnsServer;
          const auto [name, type] = Dns::question_of(query);
          std::vector<Bytes> answers;
          if (name == "_mta-sts.ports.test" && type == 16) {
            answers.push_back(Dns::txt_rdata("v=STSv1; id=1"));
          } else if (name == "ports.test" && type == 15) {
            answers.push_back(Dns::mx_rdata(10, "mx.ports.test"));
          } else if ((name == "mta-sts.ports.test" || name == "mx.ports.test") && type == 1) {
            answers.push_back(Dns::a_rdata("127.0.0.1"));
          }
          return std::optional(Dns::reply_with_answers(query, answers));
        }) {
    for (auto* listener : {&policy_, &smtp_}) {
      listener->acceptor.open(asio::ip::tcp::v4());
      listener->acceptor.bind({asio::ip::address_v4::loopback(), 0});
      listener->acceptor.listen();
      accept(*listener);
    }
    thread_ = std::thread([this] { io_.run(); });
  }
  ~CheckPortsTest() override {
    asio::post(io_, [this] { io_.stop(); });
    thread_.join();
  }

  struct Listener {
    explicit Listener(asio::io_context& io) : acceptor(io) {}
    asio::ip::tcp::acceptor acceptor;
    std::atomic<int> accepted{0};
    std::uint16_t port() const { return acceptor.local_endpoint().port(); }
  };
  /// Accepts and closes at once: the agent's fetch or probe then fails, after connecting.
  static void accept(Listener& listener) {
    listener.acceptor.async_accept([&listener](std::error_code ec, asio::ip::tcp::socket) {
      if (ec) return;
      ++listener.accepted;
      accept(listener);
    });
  }

  using Bytes = mtasts::support::Bytes;
  asio::io_context io_;
  mtasts::support::FakeDnsServer dns_;
  Listener policy_{io_};
  Listener smtp_{io_};
  std::thread thread_;
};

// The lab's servers and tests on one machine listen on other ports than 443 and 25.
TEST_F(CheckPortsTest, PolicyAndSmtpPortsAreWhereTheAgentConnects) {
  const AgentRun run = run_agent({"check", "--json", "--timeout", "10s", "--dns-server",
                                  dns_.address(), "--policy-port", std::to_string(policy_.port()),
                                  "--smtp-port", std::to_string(smtp_.port()), "ports.test"});
  EXPECT_GE(policy_.accepted.load(), 1) << run.out << run.err;
  EXPECT_GE(smtp_.accepted.load(), 1) << run.out << run.err;
  // Each listener closed at once: the policy's handshake and the MX's greeting failed there.
  const auto report = json_of(run);
  EXPECT_EQ(report["policy"]["addresses"][0]["error"], "tls_failed") << run.out;
  EXPECT_EQ(report["mx"][0]["addresses"][0]["stage"], "banner") << run.out;
}

/// Runs the agent with its standard output on a pseudo-terminal, as a person at a terminal
/// would, with `environment` added; returns what it wrote there.
std::string run_on_terminal(const std::vector<std::string>& args,
                            const std::vector<std::string>& environment) {
  std::vector<std::string> storage{MTASTS_AGENT_BINARY};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string_view(*e).starts_with("NO_COLOR=")) env_storage.emplace_back(*e);
  }
  env_storage.insert(env_storage.end(), environment.begin(), environment.end());
  std::vector<char*> envp;
  for (auto& s : env_storage) envp.push_back(s.data());
  envp.push_back(nullptr);
  int terminal = -1;
  const pid_t pid = forkpty(&terminal, nullptr, nullptr, nullptr);
  if (pid == 0) {
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  if (pid < 0) {
    ADD_FAILURE() << "forkpty: " << std::strerror(errno);
    return {};
  }
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(terminal, buffer, sizeof buffer);
    if (n <= 0) break;  // EIO once the child has exited and closed the terminal
    out.append(buffer, static_cast<std::size_t>(n));
  }
  close(terminal);
  int status = 0;
  waitpid(pid, &status, 0);
  return out;
}

// https://no-color.org: a terminal is painted unless NO_COLOR is set (to anything non-empty).
TEST(CheckCli, ATerminalIsPaintedUnlessNoColorIsSet) {
  const std::string escape = "\x1b[";
  EXPECT_THAT(run_on_terminal(check_args({"a.invalid"}), {}), HasSubstr(escape));
  EXPECT_THAT(run_on_terminal(check_args({"a.invalid"}), {"NO_COLOR=1"}), Not(HasSubstr(escape)));
  // --color=always wins over NO_COLOR.
  EXPECT_THAT(run_on_terminal(check_args({"--color=always", "a.invalid"}), {"NO_COLOR=1"}),
              HasSubstr(escape));
}

TEST(CheckCli, BadInputExitsTwoWithTheReason) {
  struct Case {
    std::vector<std::string> args;
    const char* reason;
  };
  for (const Case& c : std::vector<Case>{
           {{"check"}, "required"},
           {{"check", "exa mple.com"}, "host names have only"},
           {{"check", "192.0.2.1"}, "IP address"},
           {{"check", "example.com", "--timeout", "soon"}, "not a duration"},
           {{"check", "example.com", "--timeout", "0s"}, "not a duration"},
           {{"check", "example.com", "--expiry-warning", "2 weeks"}, "not a duration"},
           {{"check", "example.com", "--timeout", "300y"}, "longer than the most allowed, 10m"},
           {{"check", "example.com", "--expiry-warning", "2y"}, "longer than the most allowed"},
           {{"check", "example.com", "--egress-canary", "smtp.example"}, "HOST:PORT"},
           {{"check", "example.com", "--dns-server", "dns.example.com"}, "not an IP address"},
           {{"check", "example.com", "--dns-server", "127.0.0.1:99999"}, "not a port"},
           {{"check", "example.com", "--ca-file", "/nonexistent.pem"}, "cannot load CA bundle"},
           {{"check", "example.com", "--ehlo-name", "bad_name"}, "host names have only"}}) {
    const AgentRun run = run_agent(c.args);
    EXPECT_EQ(run.exit_code, 2) << ::testing::PrintToString(c.args);
    EXPECT_THAT(run.err, HasSubstr(c.reason)) << ::testing::PrintToString(c.args);
  }
}

// --- --config.check ------------------------------------------------------------------

TEST(ConfigCheckCli, ValidConfigExitsZero) {
  const AgentRun run =
      run_agent({"--config.check",
                 "--config.file=" + std::string(MTASTS_SOURCE_DIR) + "/deploy/mta-sts-agent.yml"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("is valid: 6 targets from 2 files"));
}

TEST(ConfigCheckCli, InvalidConfigExitsOneWithEveryError) {
  const std::string file = std::string(MTASTS_SOURCE_DIR) + "/tests/testdata/config/invalid.yml";
  const AgentRun run = run_agent({"--config.check", "--config.file", file});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr(file + ":2: global.interval: \"soon\" is not a duration"));
  EXPECT_THAT(run.err, HasSubstr(file + ":5: targets[1]: \"bad_domain.example\""));
  EXPECT_THAT(run.err, HasSubstr("is not valid (2 errors)"));
  const AgentRun missing = run_agent({"--config.check", "--config.file=/nonexistent.yml"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("cannot read"));
}

}  // namespace
