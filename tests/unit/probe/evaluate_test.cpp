// From facts to findings and verdicts, with hand-made facts (no network).
#include "probe/evaluate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "sample_report.hpp"

namespace mtasts::probe {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> codes(const DomainReport& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.emplace_back(to_string(f.code));
  std::sort(out.begin(), out.end());
  return out;
}

using support::served;

/// A healthy domain: record, TLS-RPT, policy over both families, one covered MX.
DomainReport healthy() {
  return support::healthy_facts();
}

TEST(Evaluate, HealthyDomainIsOk) {
  DomainReport r = healthy();
  evaluate(r, {});
  EXPECT_EQ(r.verdict, Verdict::ok);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.sts_status, probe::RecordStatus::valid);
  EXPECT_EQ(r.policy_status, probe::PolicyStatus::valid);
  EXPECT_EQ(r.mx[0].policy_match, "mx.example.com");
}

TEST(Evaluate, DnsTimeoutIsUnknownNeverMissing) {
  DomainReport r = healthy();
  r.sts = {"_mta-sts.example.com",
           dns::DnsFailure::timeout,
           "Timeout while contacting DNS servers",
           {},
           {}};
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("sts_record_dns_error"));
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_EQ(r.sts_status, probe::RecordStatus::dns_error);
}

// EMFILE in the agent is the agent's problem: no connect or port-25 finding about the domain.
TEST(Evaluate, TheAgentsOwnShortageIsNeverTheDomainsFinding) {
  DomainReport r = healthy();
  r.mx[0].probes[0].error = net::SmtpError::local_resources;
  r.mx[0].probes[0].stage = net::SmtpStage::connect;
  r.mx[0].probes[0].tls.reset();
  r.mx[0].probes[0].detail = "Too many open files";
  r.policy.fetches[1].error = net::FetchError::local_resources;
  r.policy.fetches[1].response.reset();
  r.policy.fetches[1].tls.reset();
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("agent_resources_exhausted"));
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_EQ(r.policy_status, probe::PolicyStatus::valid);  // the other address served it
  EXPECT_EQ(r.findings[0].subject, "example.com");
  EXPECT_TRUE(net::is_local_resource_error(std::make_error_code(std::errc::too_many_files_open)));
  EXPECT_TRUE(
      net::is_local_resource_error(std::make_error_code(std::errc::too_many_files_open_in_system)));
  EXPECT_FALSE(net::is_local_resource_error(std::make_error_code(std::errc::connection_refused)));
}

// A policy host that trickles its answer: the fetch times out after the status line. The
// timeout is the finding; a Content-Type that never came is not a second one.
TEST(Evaluate, AHalfReadAnswerIsJudgedByItsErrorOnly) {
  DomainReport r = healthy();
  for (auto& fetch : r.policy.fetches) {
    fetch.error = net::FetchError::timeout;
    fetch.stage = net::FetchStage::http;
    fetch.detail = "no complete answer within 30000 ms (stopped at http)";
    fetch.response->headers.clear();
    fetch.response->body.clear();
  }
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("policy_timeout"));
}

TEST(Evaluate, UncoveredMxUnderTestingIsAWarning) {
  DomainReport r = healthy();
  const std::string testing =
      "version: STSv1\r\nmode: testing\r\nmx: other.example.com\r\nmax_age: 1209600\r\n";
  r.policy.fetches = {served("192.0.2.1", 200, testing), served("2001:db8::1", 200, testing)};
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("mx_not_covered", "policy_mode_testing", "policy_mx_unused"));
  EXPECT_EQ(r.verdict, Verdict::warning);
}

TEST(Evaluate, StarttlsMissingUnderEnforceFails) {
  DomainReport r = healthy();
  r.mx[0].probes[0].error = net::SmtpError::starttls_missing;
  r.mx[0].probes[0].tls.reset();
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("mx_starttls_missing"));
  EXPECT_EQ(r.findings[0].severity, Severity::error);
  EXPECT_EQ(r.verdict, Verdict::fail);
}

TEST(Evaluate, ExpiringCertificatesWarnBeforeTheThreshold) {
  DomainReport r = healthy();
  support::edit(r.mx[0].probes[0].tls).certificate.not_after = std::time(nullptr) + 3 * 86400;
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("mx_cert_expiring"));
  EXPECT_EQ(r.verdict, Verdict::warning);
}

TEST(Evaluate, OnlyIpv4ServesThePolicy) {
  DomainReport r = healthy();
  r.policy.fetches[1] = net::PolicyFetch{};
  r.policy.fetches[1].endpoint = {asio::ip::make_address("2001:db8::1"), 443};
  r.policy.fetches[1].error = net::FetchError::connect_failed;
  r.policy.fetches[1].detail = "Network is unreachable";
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("policy_connect_failed", "policy_ipv4_only"));
}

TEST(Evaluate, FamiliesServingDifferentPolicies) {
  DomainReport r = healthy();
  r.policy.fetches[1] = served("2001:db8::1", 200, support::kEnforcePolicy + "x-note: old\r\n");
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("policy_family_mismatch"));
}

TEST(Evaluate, EveryMxUnreachableMeansPort25Blocked) {
  DomainReport r = healthy();
  r.mx[0].probes[0] = net::SmtpProbe{};
  r.mx[0].probes[0].endpoint = {asio::ip::make_address("192.0.2.25"), 25};
  r.mx[0].probes[0].error = net::SmtpError::timeout;
  r.mx[0].probes[0].stage = net::SmtpStage::connect;
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("port25_blocked"));
  EXPECT_EQ(r.verdict, Verdict::unknown);
}

/// An MX address that did not answer: refused, timed out at connect, or never greeted.
net::SmtpProbe unanswered(const std::string& ip, net::SmtpError error, net::SmtpStage stage) {
  net::SmtpProbe p;
  p.endpoint = {asio::ip::make_address(ip), 25};
  p.error = error;
  p.stage = stage;
  return p;
}

// Messages name the ports that were used (the lab and tests probe other ports than 443 and 25).
TEST(Evaluate, MessagesNameThePortsThatWereProbed) {
  DomainReport r = healthy();
  r.mx[0].probes[0] = unanswered("192.0.2.25", net::SmtpError::timeout, net::SmtpStage::connect);
  r.mx[0].probes[0].endpoint.port(2525);
  r.policy.fetches[0] = net::PolicyFetch{};
  r.policy.fetches[0].endpoint = {asio::ip::make_address("192.0.2.1"), 8443};
  r.policy.fetches[0].error = net::FetchError::connect_refused;
  evaluate(r, {});
  std::string messages;
  for (const auto& f : r.findings) messages += f.message + "\n";
  EXPECT_THAT(messages, HasSubstr("no connection to port 8443"));
  EXPECT_THAT(messages, HasSubstr("answered on port 2525"));
  EXPECT_THAT(messages, Not(HasSubstr("port 25,")));
  EXPECT_THAT(messages, Not(HasSubstr("port 443")));
  EXPECT_THAT(messages, Not(HasSubstr("port-25 ")));
}

DomainReport with_second_mx(DomainReport r, net::SmtpProbe probe) {
  MxHostFacts backup;
  backup.host = "backup.mx.example.com";
  backup.preference = 20;
  backup.lookup.addresses = {probe.endpoint.address()};
  backup.probes = {std::move(probe)};
  r.mx.push_back(std::move(backup));
  return r;
}

Severity severity_of(const DomainReport& r, FindingCode code) {
  for (const auto& f : r.findings) {
    if (f.code == code) return f.severity;
  }
  ADD_FAILURE() << "no " << to_string(code);
  return Severity::info;
}

TEST(Evaluate, TheOnlyMxRefusingIsAnErrorWhenEgressWorks) {
  DomainReport r = healthy();
  r.mx[0].probes = {
      unanswered("192.0.2.25", net::SmtpError::connect_refused, net::SmtpStage::connect)};
  evaluate(r, {});  // a refusal is itself proof that port 25 works
  EXPECT_EQ(severity_of(r, FindingCode::mx_connect_failed), Severity::error);
  EXPECT_EQ(r.verdict, Verdict::fail);
}

TEST(Evaluate, TheOnlyMxHangingIsAnErrorWhenEgressIsKnownToWork) {
  for (auto stage : {net::SmtpStage::connect, net::SmtpStage::banner}) {
    DomainReport r = healthy();
    r.mx[0].probes = {unanswered("192.0.2.25", net::SmtpError::timeout, stage)};
    r.port25_egress = Port25Egress::working;
    evaluate(r, {});
    EXPECT_EQ(severity_of(r, FindingCode::mx_timeout), Severity::error) << net::to_string(stage);
    EXPECT_EQ(r.verdict, Verdict::fail);
  }
}

TEST(Evaluate, AnUnreachableMxIsAWarningWhenAnotherAnswers) {
  DomainReport r = with_second_mx(
      healthy(), unanswered("192.0.2.26", net::SmtpError::timeout, net::SmtpStage::connect));
  r.policy.fetches = {served("192.0.2.1", 200,
                             "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\n"
                             "mx: *.mx.example.com\r\nmax_age: 1209600\r\n")};
  r.policy.lookup.addresses.resize(1);
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("mx_timeout"));
  EXPECT_EQ(severity_of(r, FindingCode::mx_timeout), Severity::warning);  // senders fall back
  EXPECT_EQ(r.verdict, Verdict::warning);
}

TEST(Evaluate, NothingAnsweringWhileEgressIsUnprovenOrBlockedIsUnknown) {
  for (auto egress : {Port25Egress::unproven, Port25Egress::blocked}) {
    DomainReport r = healthy();
    r.mx[0].probes = {unanswered("192.0.2.25", net::SmtpError::timeout, net::SmtpStage::connect)};
    r.port25_egress = egress;
    evaluate(r, {});
    EXPECT_THAT(codes(r), ElementsAre("port25_blocked")) << to_string(egress);
    EXPECT_EQ(r.verdict, Verdict::unknown);
  }
}

TEST(Evaluate, TlsRptProblemsAreAtMostWarnings) {
  for (const std::string record :
       {"v=TLSRPTv1; rua=tlsrpt@example.com", "v=TLSRPTv1;", "v=TLSRPTv1; rua=mailto:a@b"}) {
    DomainReport r = healthy();
    r.tlsrpt.records = {record};
    if (record.ends_with("a@b")) r.tlsrpt.records.push_back(record);  // two records
    evaluate(r, {});
    EXPECT_EQ(r.verdict, Verdict::warning) << record;
    for (const auto& f : r.findings) EXPECT_NE(f.severity, Severity::error) << f.message;
  }
}

TEST(Evaluate, MaxAgeOfADayIsAdviceAndLessIsAWarning) {
  const auto with_max_age = [](int seconds) {
    DomainReport r = support::healthy_facts(
        "example.com", "1",
        "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: " +
            std::to_string(seconds) + "\r\n");
    evaluate(r, {});
    return r;
  };
  EXPECT_EQ(severity_of(with_max_age(86400), FindingCode::policy_max_age_short), Severity::info);
  EXPECT_EQ(with_max_age(86400).verdict, Verdict::ok);
  EXPECT_EQ(severity_of(with_max_age(86399), FindingCode::policy_max_age_short), Severity::warning);
  EXPECT_TRUE(codes(with_max_age(604800)).empty());
}

TEST(Evaluate, AVersionWithoutSemicolonBesideAValidRecordIsDiscardedNotMultiple) {
  DomainReport r = healthy();
  r.sts.records = {"v=STSv1; id=1", "v=STSv1"};
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("sts_record_discarded"));
  EXPECT_EQ(r.sts_status, probe::RecordStatus::valid);
}

TEST(Evaluate, NullMx) {
  DomainReport null_mx = healthy();
  null_mx.mx.clear();
  null_mx.null_mx = true;
  evaluate(null_mx, {});
  EXPECT_THAT(codes(null_mx), ElementsAre("mx_none"));  // no MX: nothing to match patterns to
}

TEST(VerdictOf, ErrorBeatsUnknownBeatsWarning) {
  const auto f = [](FindingCode code) { return make_finding(code, "s", "m"); };
  EXPECT_EQ(verdict_of({}), Verdict::ok);
  EXPECT_EQ(verdict_of({f(FindingCode::policy_unknown_field)}), Verdict::ok);
  EXPECT_EQ(verdict_of({f(FindingCode::tlsrpt_missing)}), Verdict::warning);
  EXPECT_EQ(verdict_of({f(FindingCode::tlsrpt_missing), f(FindingCode::mx_dns_error)}),
            Verdict::unknown);
  EXPECT_EQ(verdict_of({f(FindingCode::mx_dns_error), f(FindingCode::policy_syntax)}),
            Verdict::fail);
}

}  // namespace
}  // namespace mtasts::probe

namespace mtasts::probe {
namespace {

TEST(Evaluate, RefusedPrivateAddressesAreOneFindingPerHostNotUnresolvable) {
  DomainReport r = healthy();
  r.policy.lookup.refused = {asio::ip::make_address("10.0.0.80")};
  r.policy.lookup.addresses.clear();
  r.policy.fetches.clear();
  r.mx[0].lookup.refused = {asio::ip::make_address("192.168.0.25")};
  r.mx[0].lookup.addresses.clear();
  r.mx[0].probes.clear();
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("address_private_refused", "address_private_refused"));
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.policy_status, probe::PolicyStatus::unreachable);
  EXPECT_NE(r.findings[0].message.find("10.0.0.80"), std::string::npos) << r.findings[0].message;
}

}  // namespace
}  // namespace mtasts::probe

namespace mtasts::probe {
namespace {

TEST(Evaluate, FailedAddressLookupsAreUnknownNotMissing) {
  DomainReport r = healthy();
  r.policy.lookup.addresses.clear();
  r.policy.lookup.v4_failure = dns::DnsFailure::timeout;
  r.policy.fetches.clear();
  r.mx[0].lookup.addresses.clear();
  r.mx[0].lookup.v4_failure = dns::DnsFailure::servfail;
  r.mx[0].probes.clear();
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("mx_host_dns_error", "policy_host_dns_error"));
  EXPECT_EQ(r.verdict, Verdict::unknown);
}

}  // namespace
}  // namespace mtasts::probe

namespace mtasts::probe {
namespace {

TEST(Evaluate, AFamilyLeftOutByTheConfigurationSaysNothing) {
  // ip_families: [ipv6]: no A lookups, so no "no IPv4 address" finding.
  DomainReport r = healthy();
  r.policy.lookup.v4_asked = false;
  r.policy.lookup.addresses = {asio::ip::make_address("2001:db8::1")};
  r.policy.fetches = {r.policy.fetches[1]};
  evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre());

  // ip_families: [ipv4] and an MX host without an A record: unresolvable, not a DNS error.
  DomainReport v4 = healthy();
  v4.mx[0].lookup = {};
  v4.mx[0].lookup.v6_asked = false;
  v4.mx[0].lookup.v4_failure = dns::DnsFailure::nodata;
  v4.mx[0].probes.clear();
  evaluate(v4, {});
  EXPECT_THAT(codes(v4), ElementsAre("mx_unresolvable"));
  EXPECT_EQ(v4.findings[0].message, "MX host mx.example.com has no address (A: nodata)");
}

// The expiry warning is the operator's choice (--expiry-warning, check.expiry_warning): a
// certificate 20 days from expiry is fine with the default 14 days, a warning with 30.
TEST(Evaluate, ExpiryWarningFollowsTheConfiguredLeadTime) {
  DomainReport r = healthy();
  auto& cert = support::edit(r.mx[0].probes[0].tls).certificate;
  const auto now = std::chrono::system_clock::now();
  cert.not_after = std::chrono::system_clock::to_time_t(now) + 20 * 86400;
  EvaluationOptions options;
  options.now = now;
  evaluate(r, options);
  EXPECT_TRUE(r.findings.empty());
  options.expiry_warning = std::chrono::hours(30 * 24);
  evaluate(r, options);
  EXPECT_THAT(codes(r), ElementsAre("mx_cert_expiring"));
  EXPECT_EQ(r.verdict, Verdict::warning);
}

// One row of hand-made facts per finding code: what evaluate makes of a domain that is healthy
// but for one fact. (More rows are the other tests of this file; these are the codes that
// only the lab showed before.)
struct Row {
  const char* name;
  std::function<void(DomainReport&)> change;
  std::vector<std::string> codes;
  Verdict verdict;
};

void PrintTo(const Row& row, std::ostream* out) {
  *out << row.name;
}

class EvaluateTable : public ::testing::TestWithParam<Row> {};

TEST_P(EvaluateTable, OneChangedFactGivesItsFinding) {
  DomainReport r = healthy();
  GetParam().change(r);
  evaluate(r, {});
  EXPECT_EQ(codes(r), GetParam().codes);
  EXPECT_EQ(r.verdict, GetParam().verdict) << to_string(r.verdict);
}

INSTANTIATE_TEST_SUITE_P(
    Codes, EvaluateTable,
    ::testing::Values(Row{"TlsRptLookupServfail",
                          [](DomainReport& r) {
                            r.tlsrpt.failure = dns::DnsFailure::servfail;
                            r.tlsrpt.records.clear();
                          },
                          {"tlsrpt_dns_error"},
                          Verdict::unknown},
                      Row{"TlsRptWrongCaseBesideAValidOne",
                          [](DomainReport& r) {
                            r.tlsrpt.records.push_back("v=tlsrptv1; rua=mailto:other@example.com");
                          },
                          {"tlsrpt_discarded"},
                          Verdict::ok},
                      Row{"PolicyCertificateWithAWeakKey",
                          [](DomainReport& r) {
                            for (auto& fetch : r.policy.fetches) {
                              auto& cert = support::edit(fetch.tls).certificate;
                              cert.problems = {net::CertProblem::weak_key};
                              cert.verified = false;
                            }
                          },
                          {"policy_cert_weak"},
                          Verdict::fail},
                      Row{"MxCertificateWithAWeakSignature",
                          [](DomainReport& r) {
                            auto& cert = support::edit(r.mx[0].probes[0].tls).certificate;
                            cert.problems = {net::CertProblem::weak_signature};
                            cert.verified = false;
                          },
                          {"mx_cert_weak"},
                          Verdict::fail}),
    [](const ::testing::TestParamInfo<Row>& row) { return std::string(row.param.name); });

}  // namespace
}  // namespace mtasts::probe
