// `mta-sts-agent check` against the lab, as a user runs it: each lab domain gets exactly
// the verdict and the finding codes it was built to produce.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/duration.hpp"
#include "lab_dir.hpp"
#include "run_process.hpp"

namespace {

using mtasts::support::run_process;
using ::testing::ElementsAreArray;

using mtasts::support::lab_dir;

std::vector<std::string> lab_flags() {
  return {"--json",      "--dns-server",   "127.0.0.53", "--ca-file", lab_dir() + "/certs/ca.pem",
          "--ehlo-name", "probe.lab.test", "--timeout",  "20s"};
}

nlohmann::json check(const std::string& domain, int expected_exit, const char* timeout = "20s",
                     const char* dns_server = "127.0.0.53") {
  auto args = lab_flags();
  args.back() = timeout;
  args[2] = dns_server;
  args.insert(args.begin(), {"check", domain});
  const auto run = run_process(MTASTS_AGENT_BINARY, args);
  EXPECT_EQ(run.exit_code, expected_exit) << domain << "\n" << run.out << run.err;
  try {
    return nlohmann::json::parse(run.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << domain << ": not JSON: " << e.what() << "\n" << run.out << run.err;
    return {};
  }
}

std::vector<std::string> codes(const nlohmann::json& report) {
  std::vector<std::string> out;
  for (const auto& f : report.at("findings")) out.push_back(f.at("code").get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

struct LabDomain {
  const char* domain;
  const char* verdict;
  std::vector<std::string> codes;  // sorted
  const char* timeout = "20s";
  const char* dns_server = "127.0.0.53";  // NSD; .54 is Unbound, recursive, in front of it
};

std::ostream& operator<<(std::ostream& os, const LabDomain& d) {
  return os << d.domain;
}

class CheckLab : public ::testing::TestWithParam<LabDomain> {};

TEST_P(CheckLab, GivesTheVerdictAndExactlyTheFindings) {
  const LabDomain& d = GetParam();
  const auto report =
      check(d.domain, std::string(d.verdict) == "fail" ? 1 : 0, d.timeout, d.dns_server);
  if (report.is_null()) return;
  // Whatever the servers do, the check ends by its deadline: its duration as the agent
  // measured it (process start-up, slow under the sanitizers, is not part of it), with a
  // moment for cancelled operations to wind down.
  const double deadline = std::chrono::duration<double>(*mtasts::parse_duration(d.timeout)).count();
  EXPECT_LE(report.at("timing").at("seconds").get<double>(), deadline + 0.5) << d.domain;
  EXPECT_EQ(report.at("domain"), d.domain);
  EXPECT_EQ(report.at("verdict"), d.verdict) << report.dump(2);
  EXPECT_THAT(codes(report), ElementsAreArray(d.codes)) << report.at("findings").dump(2);
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Lab, CheckLab,
    ::testing::Values(
        LabDomain{"good.test", "ok", {}},
        // TLS-RPT reports reach the agent three ways (tlsrpt_lab_test); its check is good.test's.
        LabDomain{"reported.test", "ok", {}},
        LabDomain{"testing.test", "ok", {"policy_mode_testing"}},
        LabDomain{"none.test", "warning", {"policy_mode_none"}},
        LabDomain{"forbidden.test", "fail", {"policy_http_status", "tlsrpt_missing"}},
        LabDomain{"redirect.test", "fail", {"policy_redirect"}},
        LabDomain{"ctype.test", "fail", {"policy_content_type"}},
        LabDomain{"big.test", "fail", {"policy_too_large"}},
        LabDomain{"wrongname.test", "fail", {"policy_cert_name_mismatch"}},
        LabDomain{"untrusted.test", "fail", {"policy_cert_untrusted"}},
        LabDomain{"expiring.test", "warning", {"policy_cert_expiring"}},
        LabDomain{"expired.test", "fail", {"policy_cert_expired"}},
        LabDomain{"nounderscore.test", "fail", {"sts_record_misplaced"}},
        LabDomain{"norecord.test", "fail", {"sts_record_missing"}},
        LabDomain{"badid.test", "fail", {"sts_record_invalid"}},
        LabDomain{"twosts.test", "fail", {"sts_record_multiple"}},
        // TLS-RPT decides whether the owner hears of failures, not whether mail arrives.
        LabDomain{"badtlsrpt.test", "warning", {"tlsrpt_invalid", "tlsrpt_rua_invalid"}},
        LabDomain{"twotlsrpt.test", "warning", {"tlsrpt_multiple"}},
        LabDomain{"uncovered.test", "fail", {"mx_not_covered", "policy_mx_unused"}},
        LabDomain{"notls.test", "fail", {"mx_starttls_missing"}},
        LabDomain{"mxexpired.test", "fail", {"mx_cert_expired"}},
        LabDomain{"sharedexpired.test", "fail", {"mx_cert_expired", "policy_mx_unused"}},
        LabDomain{"mxwrongname.test", "fail", {"mx_cert_name_mismatch"}},
        LabDomain{"mxuntrusted.test", "fail", {"mx_cert_untrusted"}},
        LabDomain{"nomxaddr.test", "warning", {"mx_unresolvable"}},
        LabDomain{"nullmx.test", "warning", {"mx_none"}},
        LabDomain{"nopolicyhost.test", "fail", {"policy_host_unresolvable"}},
        LabDomain{"refused.test", "fail", {"policy_connect_failed"}},
        LabDomain{"v4only.test", "fail", {"policy_connect_failed", "policy_ipv4_only"}},
        LabDomain{"v6only.test", "fail", {"policy_connect_failed", "policy_ipv6_only"}},
        // Its one MX is unreachable, so the pattern mx1.good.test matches no MX either.
        LabDomain{"blocked.test", "unknown", {"policy_mx_unused", "port25_blocked"}},
        // Misbehaving servers (tests/lab/misbehaving_servers.cpp).
        LabDomain{"slowpolicy.test", "fail", {"policy_timeout"}, "4s"},
        LabDomain{"oldtls.test", "fail", {"mx_tls_version_old"}},
        LabDomain{"mxtimeout.test", "warning", {"mx_timeout"}, "4s"},
        LabDomain{"mxbadtls.test", "fail", {"mx_tls_failed"}},
        // More of what operators get wrong.
        LabDomain{"familymismatch.test", "warning", {"policy_family_mismatch"}},
        LabDomain{"plainhttp.test", "fail", {"policy_tls_failed"}},
        LabDomain{"badpolicy.test", "fail", {"policy_lf_line_endings", "policy_mode_invalid"}},
        LabDomain{"shortmaxage.test", "warning", {"policy_max_age_short"}},
        LabDomain{"mxrefused.test", "warning", {"mx_connect_failed"}},  // mx1 takes the mail
        // The only MX refuses or never greets: mail has no path.
        LabDomain{"onlyrefused.test", "fail", {"mx_connect_failed", "policy_mx_unused"}},
        LabDomain{"onlysilent.test", "fail", {"mx_timeout", "policy_mx_unused"}, "4s"},
        LabDomain{"dayage.test", "ok", {"policy_max_age_short"}},
        LabDomain{"nosemicolon.test", "warning", {"policy_mx_unused", "sts_record_discarded"}},
        LabDomain{"implicit.test", "warning", {"mx_none"}},
        LabDomain{"apexrecord.test", "fail", {"sts_record_misplaced"}},
        // A broken delegation, through a real recursive resolver: unknown, never "missing".
        LabDomain{"broken.test", "unknown", {"mx_dns_error", "sts_record_dns_error", "tlsrpt_dns_error"}, "4s", "127.0.0.54"}),
    [](const auto& param_info) {
      std::string name = param_info.param.domain;
      std::replace(name.begin(), name.end(), '.', '_');
      return name;
    });
// clang-format on

// blocked.test's only MX never answers. Alone, the run cannot tell that from a blocked port 25
// (unknown); an egress canary that greets proves port 25 works, and the MX is then down: fail.
TEST(CheckLabReport, AnEgressCanaryDecidesWhetherPort25Works) {
  const auto alone = check("blocked.test", 0, "4s");
  if (alone.is_null()) return;
  EXPECT_EQ(alone.at("verdict"), "unknown");
  EXPECT_THAT(codes(alone), ::testing::Contains("port25_blocked"));

  auto args = lab_flags();
  args.back() = "4s";
  args.insert(args.begin(), {"check", "blocked.test", "--egress-canary", "127.0.0.25:25"});
  const auto run = run_process(MTASTS_AGENT_BINARY, args);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto proven = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_FALSE(proven.is_discarded()) << run.out << run.err;
  EXPECT_EQ(proven.at("verdict"), "fail");
  EXPECT_THAT(codes(proven), ::testing::Not(::testing::Contains("port25_blocked")));
  bool mx_error = false;
  for (const auto& f : proven.at("findings")) {
    const std::string code = f.at("code");
    mx_error = mx_error || ((code == "mx_timeout" || code == "mx_connect_failed") &&
                            f.at("severity") == "error");
  }
  EXPECT_TRUE(mx_error) << proven.at("findings").dump(2);

  const auto bad = run_process(MTASTS_AGENT_BINARY,
                               {"check", "blocked.test", "--egress-canary", "smtp.example"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, ::testing::HasSubstr("HOST:PORT"));
}

// A name typed in Unicode is checked as its A-label, and shown as both.
TEST(CheckLabReport, AnInternationalizedNameIsCheckedAsItsALabel) {
  const auto r = check("münchen.test", 0);
  if (r.is_null()) return;
  EXPECT_EQ(r.at("domain"), "xn--mnchen-3ya.test");
  EXPECT_EQ(r.at("domain_unicode"), "münchen.test");
  EXPECT_EQ(r.at("verdict"), "ok") << r.dump(2);
  EXPECT_EQ(r.at("policy").at("status"), "valid");
  const auto text =
      run_process(MTASTS_AGENT_BINARY,
                  {"check", "münchen.test", "--dns-server", "127.0.0.53", "--ca-file",
                   lab_dir() + "/certs/ca.pem", "--ehlo-name", "probe.lab.test", "--color=never"});
  EXPECT_THAT(text.out, ::testing::HasSubstr("münchen.test (xn--mnchen-3ya.test): OK"));
}

TEST(CheckLabReport, GoodDomainHasEveryFact) {
  const auto r = check("good.test", 0);
  if (r.is_null()) return;
  EXPECT_EQ(r.at("sts_record").at("status"), "valid");
  EXPECT_EQ(r.at("sts_record").at("id"), "20261127T1200");
  EXPECT_EQ(r.at("tlsrpt_record").at("rua"), nlohmann::json({"mailto:tlsrpt@good.test"}));
  const auto& policy = r.at("policy");
  EXPECT_EQ(policy.at("status"), "valid");
  EXPECT_EQ(policy.at("mode"), "enforce");
  EXPECT_EQ(policy.at("max_age"), 1209600);
  EXPECT_EQ(policy.at("http_status"), 200);
  EXPECT_EQ(policy.at("content_type"), "text/plain");
  EXPECT_EQ(policy.at("certificate").at("valid"), true);
  EXPECT_EQ(policy.at("addresses").size(), 2u);  // IPv4 and IPv6, each fetched
  EXPECT_EQ(policy.at("sha256").get<std::string>().size(), 64u);
  const auto& mx = r.at("mx");
  ASSERT_EQ(mx.size(), 2u);
  EXPECT_EQ(mx[0].at("host"), "mx1.good.test");
  EXPECT_EQ(mx[0].at("policy_match"), "mx1.good.test");
  EXPECT_EQ(mx[1].at("policy_match"), "*.mx.good.test");
  for (const auto& host : mx) {
    ASSERT_EQ(host.at("addresses").size(), 2u);
    for (const auto& a : host.at("addresses")) {
      EXPECT_EQ(a.at("starttls"), true);
      EXPECT_EQ(a.at("certificate").at("valid"), true);
      EXPECT_TRUE(a.at("error").is_null());
    }
  }
}

TEST(CheckLabReport, SeveralDomainsGiveAnArrayAndTheWorstExitCode) {
  auto args = lab_flags();
  args.insert(args.begin(), {"check", "good.test", "forbidden.test"});
  const auto run = run_process(MTASTS_AGENT_BINARY, args);
  EXPECT_EQ(run.exit_code, 1);
  const auto json = nlohmann::json::parse(run.out);
  ASSERT_TRUE(json.is_array());
  EXPECT_EQ(json.size(), 2u);
}

TEST(CheckLabReport, TextReportHasTheSections) {
  auto args = lab_flags();
  args.erase(args.begin());  // no --json
  args.insert(args.begin(), {"check", "forbidden.test"});
  const auto run = run_process(MTASTS_AGENT_BINARY, args);
  EXPECT_EQ(run.exit_code, 1);
  for (const char* part :
       {"forbidden.test: FAIL", "_mta-sts.forbidden.test", "policy https://mta-sts.forbidden.test",
        "403", "mx1.good.test", "STARTTLS", "policy_http_status", "findings:"}) {
    EXPECT_THAT(run.out, ::testing::HasSubstr(part)) << run.out;
  }
}

}  // namespace

namespace {

TEST(CheckLabPrivate, DenyPrivateAddressesRefusesTheLabsLoopbackAndUlaAddresses) {
  auto args = lab_flags();
  args.insert(args.begin(), {"check", "good.test", "--deny-private-addresses"});
  const auto run = run_process(MTASTS_AGENT_BINARY, args);
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto report = nlohmann::json::parse(run.out);
  // The policy host and both MX hosts: one finding each, and nothing was connected to.
  EXPECT_THAT(codes(report), ElementsAreArray({"address_private_refused", "address_private_refused",
                                               "address_private_refused"}))
      << report.at("findings").dump(2);
  EXPECT_TRUE(report.at("policy").at("addresses").empty()) << report.at("policy").dump(2);
  EXPECT_EQ(report.at("policy").at("refused_addresses").size(), 2u);  // 127.0.0.80 and ULA
}

}  // namespace

namespace dane_lab {

/// `check --dane-trust-anchor` on a domain of the lab's signed dane.test zone: the report, and
/// its DANE and DNSSEC codes only (these domains publish no MTA-STS; their other findings say
/// so and are not what is tested here).
std::pair<nlohmann::json, std::vector<std::string>> check_dane(const std::string& domain) {
  auto args = lab_flags();
  args.insert(args.begin(), {"check", domain});
  args.insert(args.end(), {"--dane-trust-anchor", lab_dir() + "/dnssec/trust-anchor.ds"});
  const auto run = run_process(MTASTS_AGENT_BINARY, args);
  nlohmann::json report = nlohmann::json::parse(run.out, nullptr, false);
  if (report.is_discarded()) {
    ADD_FAILURE() << domain << ": not JSON\n" << run.out << run.err;
    return {};
  }
  std::vector<std::string> dane_codes;
  for (const auto& code : codes(report)) {
    if (code.starts_with("dane_") || code.starts_with("dnssec_")) dane_codes.push_back(code);
  }
  return {report, dane_codes};
}

// TLSA records for the key the MX presents and the next one: DANE senders deliver.
TEST(CheckLabDane, RecordsOfTheCurrentAndNextKeyMatch) {
  const auto [report, dane_codes] = check_dane("good.dane.test");
  EXPECT_TRUE(dane_codes.empty()) << report.dump(2);
  EXPECT_EQ(report.at("dnssec").at("mx"), "secure");
  const auto& host = report.at("mx").at(0);
  EXPECT_TRUE(host.at("dane").at("applies"));
  EXPECT_EQ(host.at("dane").at("tlsa").size(), 2u);
  ASSERT_FALSE(host.at("addresses").empty());
  for (const auto& address : host.at("addresses")) {
    EXPECT_TRUE(address.at("dane").at("matched")) << address.dump(2);
  }
}

// Only the next key's record: the outage DANE senders see while MTA-STS still looks fine.
TEST(CheckLabDane, ARecordOfTheNextKeyOnlyIsAMismatch) {
  const auto [report, dane_codes] = check_dane("stale.dane.test");
  EXPECT_THAT(dane_codes, ElementsAreArray({"dane_tlsa_mismatch", "dane_tlsa_single"}))
      << report.dump(2);
  EXPECT_FALSE(report.at("mx").at(0).at("addresses").at(0).at("dane").at("matched"));
}

// A TLSA record changed after signing: bogus, with the validator's reason.
TEST(CheckLabDane, ARecordChangedAfterSigningIsBogus) {
  const auto [report, dane_codes] = check_dane("bogus.dane.test");
  EXPECT_THAT(dane_codes, ElementsAreArray({"dnssec_bogus"})) << report.dump(2);
  const auto& dane = report.at("mx").at(0).at("dane");
  EXPECT_EQ(dane.at("tlsa_dnssec"), "bogus");
  EXPECT_THAT(dane.at("why_bogus").get<std::string>(), ::testing::HasSubstr("signature"));
}

// Two records, neither for the key the server has: a mismatch, and nothing else.
TEST(CheckLabDane, RecordsForNoKeyOfTheServerAreAMismatch) {
  const auto [report, dane_codes] = check_dane("wrong.dane.test");
  EXPECT_THAT(dane_codes, ElementsAreArray({"dane_tlsa_mismatch"})) << report.dump(2);
  EXPECT_EQ(report.at("senders").at("dane").at("delivers"), "no");
  EXPECT_EQ(report.at("senders").at("mta_sts").at("delivers"), "yes");
}

// Usable TLSA, no STARTTLS: DANE senders defer.
TEST(CheckLabDane, TlsaWithoutStarttlsIsAnError) {
  const auto [report, dane_codes] = check_dane("nostarttls.dane.test");
  EXPECT_THAT(dane_codes, ElementsAreArray({"dane_starttls_missing"})) << report.dump(2);
  EXPECT_EQ(report.at("senders").at("dane").at("delivers"), "no") << report.dump(2);
}

// RFC 7672 §2.2.2: a CNAME'd MX host's TLSA is looked up at the name it expands to.
TEST(CheckLabDane, ACnamedMxHostUsesTheTlsaOfItsTarget) {
  const auto [report, dane_codes] = check_dane("cname.dane.test");
  EXPECT_TRUE(dane_codes.empty()) << report.dump(2);
  const auto& dane = report.at("mx").at(0).at("dane");
  EXPECT_EQ(dane.at("canonical_host"), "mx.good.dane.test") << dane.dump(2);
  EXPECT_EQ(dane.at("tlsa_name"), "_25._tcp.mx.good.dane.test");
  EXPECT_TRUE(report.at("mx").at(0).at("addresses").at(0).at("dane").at("matched"));
}

// TLSA in an unsigned zone: senders ignore it; said as information only.
TEST(CheckLabDane, TlsaInAnUnsignedZoneIsIgnoredBySenders) {
  const auto [report, dane_codes] = check_dane("tlsaunsigned.test");
  EXPECT_THAT(dane_codes, ElementsAreArray({"dane_tlsa_unsigned"})) << report.dump(2);
  EXPECT_EQ(report.at("senders").at("dane").at("policy"), "none");
}

// The stale record once more, through the AD bit of the lab's validating resolver.
TEST(CheckLabDane, TheAdBitOfALocalValidatingResolverServesToo) {
  auto args = lab_flags();
  args.insert(args.begin(), {"check", "stale.dane.test"});
  args.insert(args.end(), {"--dane-resolver", "127.0.0.55", "--dane-trust-anchor",
                           lab_dir() + "/dnssec/trust-anchor.ds"});
  const auto run = run_process(MTASTS_AGENT_BINARY, args);
  const auto report = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << run.out << run.err;
  EXPECT_EQ(report.at("dnssec").at("mx"), "secure") << report.dump(2);
  EXPECT_THAT(codes(report), ::testing::Contains("dane_tlsa_mismatch"));
  const auto refused = run_process(MTASTS_AGENT_BINARY,
                                   {"check", "stale.dane.test", "--dane-resolver", "192.0.2.1"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, ::testing::HasSubstr("not a loopback address"));
}

// Without a trust anchor nothing of DANE is looked up or said.
TEST(CheckLabDane, WithoutATrustAnchorDaneIsNotChecked) {
  const auto report = check("stale.dane.test", 1);
  EXPECT_FALSE(report.contains("dnssec"));
  EXPECT_FALSE(report.at("mx").at(0).contains("dane"));
}

}  // namespace dane_lab

namespace dane_lab {

// The root's anchor against the lab's name server, which cannot prove the root's keys: as a
// resolver that strips DNSSEC would. DANE is not checked, and it says so once; no domain is
// called bogus for the agent's own problem.
TEST(CheckLabDane, AnAnchorTheServersCannotProveLeavesDaneUnchecked) {
  if (!std::filesystem::exists("/usr/share/dns/root.key")) GTEST_SKIP() << "needs dns-root-data";
  auto args = lab_flags();
  args.insert(args.begin(), {"check", "stale.dane.test"});
  args.insert(args.end(), {"--dane-trust-anchor", "/usr/share/dns/root.key"});
  const auto run = run_process(MTASTS_AGENT_BINARY, args);
  EXPECT_THAT(run.err, ::testing::HasSubstr("DANE not checked: the DNSKEY records of the trust "
                                            "anchor's zone . "));
  const auto report = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << run.out << run.err;
  EXPECT_TRUE(report.contains("dane_unavailable"));
  EXPECT_FALSE(report.contains("dnssec"));
  for (const auto& code : codes(report)) {
    EXPECT_FALSE(code.starts_with("dane_") || code.starts_with("dnssec_")) << code;
  }
}

}  // namespace dane_lab

namespace dane_lab {

// At a terminal: each MX host's TLSA records and DNSSEC, and each address's DANE verdict.
TEST(CheckLabDane, TheTextReportShowsWhatDaneSendersSee) {
  const auto run =
      run_process(MTASTS_AGENT_BINARY,
                  {"check", "stale.dane.test", "--dns-server", "127.0.0.53", "--ca-file",
                   lab_dir() + "/certs/ca.pem", "--ehlo-name", "probe.lab.test", "--timeout", "20s",
                   "--color=never", "--dane-trust-anchor", lab_dir() + "/dnssec/trust-anchor.ds"});
  EXPECT_THAT(run.out, ::testing::HasSubstr("DANE: 1 TLSA records (1 usable), secure, applies"));
  EXPECT_THAT(run.out, ::testing::HasSubstr("DANE: no TLSA match"));
  EXPECT_THAT(run.out, ::testing::HasSubstr("dnssec  MX records secure"));
}

}  // namespace dane_lab
