// Configuration parsing and validation: defaults, overrides, file_sd target files, and an
// error with file, line, field path and what is allowed for every mistake.
#include "config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace mtasts::config {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

Config parse_ok(const std::string& yaml, const std::string& base_dir = ".") {
  auto result = parse_config(yaml, "test.yml", base_dir);
  if (!result) {
    std::string all;
    for (const auto& e : result.error()) all += e.to_string() + "\n";
    ADD_FAILURE() << all;
    return {};
  }
  return *result;
}

std::vector<std::string> parse_errors(const std::string& yaml) {
  auto result = parse_config(yaml, "test.yml");
  std::vector<std::string> out;
  if (!result) {
    for (const auto& e : result.error()) out.push_back(e.to_string());
  }
  return out;
}

TEST(Config, DefaultsLiveInTheTypes) {
  const Config c = parse_ok("targets: [Example.COM.]\n");
  ASSERT_EQ(c.targets.size(), 1u);
  EXPECT_EQ(c.targets[0].domain, "example.com");
  EXPECT_EQ(c.targets[0].check.interval, 15min);
  EXPECT_EQ(c.targets[0].check.timeout, 60s);
  EXPECT_TRUE(c.targets[0].check.probe_mx);
  EXPECT_EQ(c.global.concurrency, 100u);
  EXPECT_EQ(c.global.mx_probe_reuse, 1min);
  EXPECT_EQ(c.targets[0].source, "test.yml:1");
}

TEST(Config, InternationalizedTargetsAreCheckedAsALabels) {
  const Config c = parse_ok("targets: [münchen.example, {domain: Bücher.Example.}]\n");
  ASSERT_EQ(c.targets.size(), 2u);
  EXPECT_EQ(c.targets[0].domain, "xn--mnchen-3ya.example");
  EXPECT_EQ(c.targets[1].domain, "xn--bcher-kva.example");
  EXPECT_THAT(parse_errors("targets: [\"mün chen.example\"]\n"),
              ::testing::ElementsAre(HasSubstr("not a valid internationalized name")));
  // The same domain typed both ways is a duplicate.
  EXPECT_FALSE(parse_errors("targets: [münchen.example, xn--mnchen-3ya.example]\n").empty());
}

// `timeout: 300y` once overflowed the clock; every duration has a sane maximum.
TEST(Config, DurationsHaveAMaximum) {
  for (const char* line : {"interval: 8d", "timeout: 300y", "timeout: 11m", "retry_interval: 2d",
                           "expiry_warning: 366d", "mx_probe_reuse: 2h"}) {
    const std::string yaml = std::string("global:\n  ") + line + "\ntargets: [a.example]\n";
    EXPECT_THAT(parse_errors(yaml),
                ::testing::ElementsAre(HasSubstr("longer than the most allowed")))
        << line;
  }
  EXPECT_THAT(parse_errors("global:\n  interval: 7d\n  timeout: 10m\ntargets: [a.example]\n"),
              ::testing::IsEmpty());
  EXPECT_THAT(parse_errors("targets: [{domain: a.example, timeout: 1y}]\n"),
              ::testing::ElementsAre(HasSubstr("targets[0].timeout")));
}

TEST(Config, TlsRptRuaAreReportAddresses) {
  const Config c = parse_ok(
      "global:\n  tlsrpt_rua: [\"mailto:tlsrpt@example.net\", "
      "\"https://reports.example.net/tlsrpt\"]\n"
      "targets: [a.example]\n");
  EXPECT_EQ(c.global.tlsrpt_rua, (std::vector<std::string>{"mailto:tlsrpt@example.net",
                                                           "https://reports.example.net/tlsrpt"}));
  EXPECT_THAT(parse_errors("global:\n  tlsrpt_rua: [tlsrpt@example.net]\ntargets: [a.example]\n"),
              ::testing::ElementsAre(HasSubstr("global.tlsrpt_rua[0]")));
}

// DANE is on by default (also per domain); a trust anchor that is set must exist, and only a
// resolver on this machine is trusted for its AD bit.
TEST(Config, DaneSettings) {
  const Config defaults = parse_ok("targets: [a.example, {domain: b.example, dane: false}]\n");
  EXPECT_TRUE(defaults.global.check.dane);
  EXPECT_TRUE(defaults.targets[0].check.dane);
  EXPECT_FALSE(defaults.targets[1].check.dane);
  EXPECT_EQ(defaults.global.dane_trust_anchor, "/usr/share/dns/root.key");
  EXPECT_FALSE(defaults.global.dane_trust_anchor_set);
  EXPECT_EQ(defaults.global.dane_resolver, "");

  const Config set = parse_ok(
      "global:\n  dane_trust_anchor: /dev/null\n  dane_resolver: \"[::1]:5353\"\n"
      "targets: [a.example]\n");
  EXPECT_EQ(set.global.dane_trust_anchor, "/dev/null");
  EXPECT_TRUE(set.global.dane_trust_anchor_set);
  EXPECT_EQ(set.global.dane_resolver, "[::1]:5353");

  EXPECT_THAT(parse_errors("global:\n  dane_trust_anchor: /nonexistent/root.key\n"
                           "targets: [a.example]\n"),
              ::testing::ElementsAre(HasSubstr("cannot read")));
  EXPECT_THAT(parse_errors("global:\n  dane_resolver: 192.0.2.53\ntargets: [a.example]\n"),
              ::testing::ElementsAre(HasSubstr("not a loopback address")));
  EXPECT_THAT(parse_errors("global:\n  dane_resolver: resolver.example\ntargets: [a.example]\n"),
              ::testing::ElementsAre(HasSubstr("global.dane_resolver")));
  EXPECT_THAT(parse_errors("global:\n  dane: maybe\ntargets: [a.example]\n"),
              ::testing::ElementsAre(HasSubstr("global.dane")));
}

TEST(Config, EgressCanariesAreHostPortPairs) {
  const Config c = parse_ok(
      "global:\n  egress_canaries: [\"smtp.example.net:25\", \"[2001:db8::25]:2525\"]\n"
      "targets: [a.example]\n");
  ASSERT_EQ(c.global.egress_canaries.size(), 2u);
  EXPECT_EQ(c.global.egress_canaries[0].host, "smtp.example.net");
  EXPECT_EQ(c.global.egress_canaries[1].port, 2525);
  EXPECT_THAT(
      parse_errors("global:\n  egress_canaries: [smtp.example.net]\ntargets: [a.example]\n"),
      ::testing::ElementsAre(HasSubstr("global.egress_canaries[0]")));
  EXPECT_THAT(
      parse_errors("global:\n  egress_canaries: smtp.example.net:25\ntargets: [a.example]\n"),
      ::testing::ElementsAre(HasSubstr("must be a list of HOST:PORT")));
}

TEST(Config, MxProbeReuseIsGlobalAndMayBeZero) {
  EXPECT_EQ(parse_ok("global:\n  mx_probe_reuse: 5m\ntargets: [a.example]\n").global.mx_probe_reuse,
            5min);
  EXPECT_EQ(parse_ok("global:\n  mx_probe_reuse: 0s\ntargets: [a.example]\n").global.mx_probe_reuse,
            0s);
  EXPECT_THAT(parse_errors("targets:\n  - domain: a.example\n    mx_probe_reuse: 5m\n").front(),
              HasSubstr("targets[0].mx_probe_reuse: unknown field"));
}

TEST(Config, GlobalSettingsAndPerDomainOverrides) {
  const Config c = parse_ok(R"(
global:
  interval: 1h30m
  timeout: 30s
  concurrency: 10
  dns_servers: ["127.0.0.53", "[fd00::53]:5353"]
  ip_families: [ipv4]
  expiry_warning: 7d
  smtp_port: 2525
targets:
  - a.example
  - domain: b.example
    interval: 5m
    probe_mx: false
)");
  ASSERT_EQ(c.targets.size(), 2u);
  EXPECT_EQ(c.targets[0].check.interval, 90min);
  EXPECT_FALSE(c.targets[0].check.ipv6);
  EXPECT_EQ(c.targets[0].check.smtp_port, 2525);
  EXPECT_EQ(c.targets[1].check.interval, 5min);
  EXPECT_FALSE(c.targets[1].check.probe_mx);
  EXPECT_EQ(c.targets[1].check.timeout, 30s);  // the global value, not overridden
  EXPECT_EQ(c.global.dns_servers.size(), 2u);
}

TEST(Config, TargetFilesInFileSdFormat) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("mtasts-config-" + std::to_string(getpid()));
  fs::create_directories(dir / "targets");
  std::ofstream(dir / "targets" / "a.yml")
      << "- targets: [one.example, two.example]\n  labels: {team: mail}\n";
  std::ofstream(dir / "targets" / "b.yml") << "- targets: [three.example]\n";
  const Config c = parse_ok("target_files: [targets/*.yml]\n", dir.string());
  ASSERT_EQ(c.targets.size(), 3u);
  EXPECT_EQ(c.targets[0].labels.at("team"), "mail");
  EXPECT_THAT(c.targets[0].source, HasSubstr("a.yml:1"));
  EXPECT_EQ(c.files_read.size(), 3u);

  // The same domain twice is an error that names both places.
  std::ofstream(dir / "targets" / "c.yml") << "- targets: [one.example]\n";
  auto result = parse_config("target_files: [targets/*.yml]\n", "test.yml", dir.string());
  ASSERT_FALSE(result.has_value());
  const auto& e = result.error().front();
  EXPECT_THAT(e.file, HasSubstr("c.yml"));
  EXPECT_THAT(e.message, HasSubstr("already a target (at "));
  fs::remove(dir / "targets" / "c.yml");

  // Label values are strings in UTF-8, as Prometheus's file_sd has them; never quietly empty.
  std::ofstream(dir / "targets" / "d.yml")
      << "- targets: [four.example]\n  labels: {team: [a, b], site: \"x\xff\"}\n";
  result = parse_config("target_files: [targets/*.yml]\n", "test.yml", dir.string());
  ASSERT_FALSE(result.has_value());
  ASSERT_EQ(result.error().size(), 2u);
  EXPECT_THAT(result.error()[0].message, HasSubstr("must be a string"));
  EXPECT_THAT(result.error()[1].message, HasSubstr("\"x\\xff\" is not UTF-8"));
  fs::remove_all(dir);
}

struct BadConfig {
  const char* name;
  std::string yaml;
  std::string expected;  // the whole first error, "FILE:LINE: PATH: MESSAGE" (or a part)
};

std::ostream& operator<<(std::ostream& os, const BadConfig& c) {
  return os << c.name;
}

class BadConfigs : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigs, SayWhereAndWhatIsAllowed) {
  const auto errors = parse_errors(GetParam().yaml);
  ASSERT_FALSE(errors.empty());
  EXPECT_THAT(errors.front(), HasSubstr(GetParam().expected));
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Config, BadConfigs,
    ::testing::Values(
        BadConfig{"Empty", "", "test.yml: the file is empty"},
        BadConfig{"NotYaml", "targets: [a.example\n", "test.yml:2: not valid YAML"},
        BadConfig{"NoTargets", "global:\n  interval: 5m\n", "no targets"},
        BadConfig{"UnknownTopLevel", "targets: [a.example]\ntarget: [b.example]\n", "test.yml:2: target: unknown field; allowed here: global, targets, target_files"},
        BadConfig{"UnknownGlobal", "global:\n  intervall: 5m\ntargets: [a.example]\n", "test.yml:2: global.intervall: unknown field; allowed here: interval"},
        BadConfig{"BadDuration", "global:\n  interval: 5 minutes\ntargets: [a.example]\n", "test.yml:2: global.interval: \"5 minutes\" is not a duration"},
        BadConfig{"BadMxProbeReuse", "global:\n  mx_probe_reuse: soon\ntargets: [a.example]\n", "global.mx_probe_reuse: \"soon\" is not a duration"},
        BadConfig{"ZeroInterval", "global:\n  interval: 0s\ntargets: [a.example]\n", "global.interval: \"0s\" is not a duration"},
        BadConfig{"TimeoutLongerThanInterval", "global:\n  interval: 1m\n  timeout: 2m\ntargets: [a.example]\n", "timeout (2m) must not be longer than interval (1m)"},
        BadConfig{"BadBool", "global:\n  probe_mx: yes please\ntargets: [a.example]\n", "global.probe_mx: \"yes please\" is not true or false"},
        BadConfig{"BadPort", "global:\n  smtp_port: 70000\ntargets: [a.example]\n", "global.smtp_port: \"70000\" must be a whole number from 1 to 65535"},
        BadConfig{"BadConcurrency", "global:\n  concurrency: 0\ntargets: [a.example]\n", "global.concurrency: \"0\" must be a whole number from 1 to 100000"},
        BadConfig{"BadFamily", "global:\n  ip_families: [ipv5]\ntargets: [a.example]\n", "global.ip_families[0]: \"ipv5\" is not ipv4 or ipv6"},
        BadConfig{"BadDnsServer", "global:\n  dns_servers: [dns.example]\ntargets: [a.example]\n", "global.dns_servers[0]: \"dns.example\" is not an IP address"},
        BadConfig{"MissingCaFile", "global:\n  ca_file: /nonexistent.pem\ntargets: [a.example]\n", "global.ca_file: cannot read"},
        BadConfig{"BadDomain", "targets:\n  - a.example\n  - bad_domain.example\n", "test.yml:3: targets[1]: \"bad_domain.example\" contains \"_\""},
        BadConfig{"IpAsDomain", "targets: [192.0.2.1]\n", "targets[0]: \"192.0.2.1\" is an IP address"},
        BadConfig{"DuplicateDomain", "targets: [a.example, A.example.]\n", "targets[1]: a.example is already a target (at test.yml:1)"},
        BadConfig{"TargetMapWithoutDomain", "targets:\n  - interval: 5m\n", "targets[0]: a target map needs a domain field"},
        BadConfig{"UnknownTargetField", "targets:\n  - domain: a.example\n    lables: {a: b}\n", "test.yml:3: targets[0].lables: unknown field"},
        BadConfig{"MissingTargetFile", "target_files: [/nonexistent/targets.yml]\n", "target_files[0]: cannot read"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });
// clang-format on

TEST(Config, EveryErrorIsReportedNotJustTheFirst) {
  const auto errors =
      parse_errors("global:\n  interval: soon\n  smtp_port: 0\ntargets: [bad_one, 1.2.3.4]\n");
  EXPECT_EQ(errors.size(), 4u);
}

TEST(Config, TheShippedExampleLoads) {
  auto result = load_config(std::string(MTASTS_SOURCE_DIR) + "/deploy/mta-sts-agent.yml");
  ASSERT_TRUE(result.has_value()) << result.error().front().to_string();
  const auto& c = *result;
  EXPECT_EQ(c.targets.size(), 6u);
}

}  // namespace
}  // namespace mtasts::config
