// From facts to findings and verdicts, with hand-made facts (no network).
#include "probe/evaluate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

#include "sample_report.hpp"

namespace mtasts::probe {
namespace {

using ::testing::Contains;
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

using support::edit;
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
// but for one fact (some facts cannot come alone: a family that fails to serve the policy is
// also a fetch error). The last test proves that every code of the catalogue has a row.
/// What senders reported, as the daemon's report store adds it up.
tlsrpt::RecentReports senders(std::uint64_t successful, std::uint64_t failed,
                              std::vector<tlsrpt::RecentReports::Failures> failures) {
  tlsrpt::RecentReports out;
  out.since = 1795910400;  // 2026-11-29
  out.successful = successful;
  out.failed = failed;
  out.reports = 2;
  out.failures = std::move(failures);
  out.reporters = {"Large Mail Provider", "Another Provider"};
  return out;
}

struct Row {
  const char* name;
  std::function<void(DomainReport&)> change;
  std::vector<std::string> codes;
  Verdict verdict;
  std::optional<PolicyHistory> previous{};  ///< what earlier checks left, for the change codes
  std::vector<std::string> own_rua{};       ///< the agent's own TLS-RPT addresses
};

void PrintTo(const Row& row, std::ostream* out) {
  *out << row.name;
}

/// Every address of the policy host serves `body` (and the report's hash follows it).
void serve_policy(DomainReport& r, const std::string& body) {
  r.policy.fetches = {served("192.0.2.1", 200, body), served("2001:db8::1", 200, body)};
  r.policy.body_sha256 = "sha-of-" + body;
}

/// The certificate of every policy fetch, or of the MX probe, to change.
template <typename Change>
void policy_certificates(DomainReport& r, Change change) {
  for (auto& fetch : r.policy.fetches) change(support::edit(fetch.tls).certificate);
}
net::CertificateFacts& mx_certificate(DomainReport& r) {
  return support::edit(r.mx[0].probes[0].tls).certificate;
}

/// Every policy fetch failed with `error` before any answer.
void policy_fetches_fail(DomainReport& r, net::FetchError error, net::FetchStage stage) {
  for (auto& fetch : r.policy.fetches) {
    fetch.error = error;
    fetch.stage = stage;
    fetch.detail = std::string(net::to_string(error));
    fetch.response.reset();
    if (stage <= net::FetchStage::tls) fetch.tls.reset();
  }
}

/// The MX probe failed with `error` at `stage`.
void mx_probe_fails(DomainReport& r, net::SmtpError error, net::SmtpStage stage) {
  auto& probe = r.mx[0].probes[0];
  probe.error = error;
  probe.stage = stage;
  probe.detail = std::string(net::to_string(error));
  if (stage <= net::SmtpStage::starttls) probe.tls.reset();
}

using support::with_dane;

std::string policy_with(const std::string& lines) {
  return "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\n" + lines;
}

const auto kInThreeDays = [] { return std::time(nullptr) + 3 * 86400; };
const std::time_t kLastYear = 1'700'000'000;

PolicyHistory history(std::string id, std::string body_sha256) {
  PolicyHistory h;
  h.id = std::move(id);
  h.body_sha256 = std::move(body_sha256);
  h.first_seen = h.last_change = h.mode_since = 1'700'000'000;
  h.mode = "enforce";
  h.max_age = 1209600;
  return h;
}

/// A history in which the domain's rua has named the agent since `since`.
PolicyHistory expecting_reports_since(std::int64_t since) {
  PolicyHistory h = history("1", "sha-of-" + support::kEnforcePolicy);
  h.reports_expected_since = since;
  return h;
}

const std::vector<Row> kRows = {
    // _mta-sts TXT record (RFC 8461 §3.1)
    {"StsRecordMissing",
     [](DomainReport& r) { r.sts.records.clear(); },
     {"sts_record_missing"},
     Verdict::fail},
    {"StsRecordInvalid",
     [](DomainReport& r) { r.sts.records = {"v=STSv1; id=not valid!"}; },
     {"sts_record_invalid"},
     Verdict::fail},
    {"StsRecordMultiple",
     [](DomainReport& r) {
       r.sts.records = {"v=STSv1; id=1", "v=STSv1; id=2"};
     },
     {"sts_record_multiple"},
     Verdict::fail},
    {"StsRecordAtTheNameWithoutUnderscore",
     [](DomainReport& r) {
       r.sts.records.clear();
       r.misplaced_lookups = {
           {"mta-sts.example.com", dns::DnsFailure::none, "", {"v=STSv1; id=1"}, {}}};
     },
     {"sts_record_misplaced"},
     Verdict::fail},
    {"StsRecordLookupTimeout",
     [](DomainReport& r) {
       r.sts.failure = dns::DnsFailure::timeout;
       r.sts.records.clear();
     },
     {"sts_record_dns_error"},
     Verdict::unknown},
    {"StsRecordUnknownField",
     [](DomainReport& r) { r.sts.records = {"v=STSv1; id=1; ext=1"}; },
     {"sts_record_unknown_field"},
     Verdict::ok},
    {"StsRecordDuplicateField",
     [](DomainReport& r) { r.sts.records = {"v=STSv1; id=1; id=2"}; },
     {"sts_record_duplicate_field"},
     Verdict::warning},
    {"StsRecordWrongCaseBesideAValidOne",
     [](DomainReport& r) { r.sts.records.push_back("v=stsv1; id=2"); },
     {"sts_record_discarded"},
     Verdict::warning},
    // The policy host and its fetch (RFC 8461 §3.3)
    {"PolicyHostWithoutAddress",
     [](DomainReport& r) {
       r.policy.lookup.v4_failure = r.policy.lookup.v6_failure = dns::DnsFailure::nxdomain;
       r.policy.lookup.addresses.clear();
       r.policy.fetches.clear();
     },
     {"policy_host_unresolvable"},
     Verdict::fail},
    {"PolicyHostLookupTimeout",
     [](DomainReport& r) {
       r.policy.lookup.v4_failure = r.policy.lookup.v6_failure = dns::DnsFailure::timeout;
       r.policy.lookup.addresses.clear();
       r.policy.fetches.clear();
     },
     {"policy_host_dns_error"},
     Verdict::unknown},
    {"PolicyHostOnAPrivateAddress",
     [](DomainReport& r) {
       r.policy.lookup.refused = {asio::ip::make_address("10.0.0.1")};
       r.policy.lookup.addresses.clear();
       r.policy.fetches.clear();
     },
     {"address_private_refused"},
     Verdict::fail},
    {"PolicyConnectionRefused",
     [](DomainReport& r) {
       policy_fetches_fail(r, net::FetchError::connect_refused, net::FetchStage::connect);
     },
     {"policy_connect_failed"},
     Verdict::fail},
    {"PolicyFetchTimeout",
     [](DomainReport& r) {
       policy_fetches_fail(r, net::FetchError::timeout, net::FetchStage::tls);
     },
     {"policy_timeout"},
     Verdict::fail},
    {"PolicyHandshakeFailed",
     [](DomainReport& r) {
       policy_fetches_fail(r, net::FetchError::tls_failed, net::FetchStage::tls);
     },
     {"policy_tls_failed"},
     Verdict::fail},
    {"PolicyCertificateUntrusted",
     [](DomainReport& r) {
       policy_certificates(r, [](net::CertificateFacts& cert) {
         cert.problems = {net::CertProblem::untrusted};
         cert.verified = false;
       });
     },
     {"policy_cert_untrusted"},
     Verdict::fail},
    {"PolicyCertificateForAnotherName",
     [](DomainReport& r) {
       policy_certificates(r, [](net::CertificateFacts& cert) {
         cert.problems = {net::CertProblem::name_mismatch};
         cert.dns_names = {"www.example.com"};
         cert.verified = false;
       });
     },
     {"policy_cert_name_mismatch"},
     Verdict::fail},
    {"PolicyCertificateExpired",
     [](DomainReport& r) {
       policy_certificates(r, [](net::CertificateFacts& cert) {
         cert.problems = {net::CertProblem::expired};
         cert.not_after = kLastYear;
         cert.verified = false;
       });
     },
     {"policy_cert_expired"},
     Verdict::fail},
    {"PolicyCertificateExpiresInThreeDays",
     [](DomainReport& r) {
       policy_certificates(r, [](net::CertificateFacts& cert) { cert.not_after = kInThreeDays(); });
     },
     {"policy_cert_expiring"},
     Verdict::warning},
    {"PolicyCertificateWithAWeakKey",
     [](DomainReport& r) {
       policy_certificates(r, [](net::CertificateFacts& cert) {
         cert.problems = {net::CertProblem::weak_key};
         cert.verified = false;
       });
     },
     {"policy_cert_weak"},
     Verdict::fail},
    {"PolicyNotFound",
     [](DomainReport& r) {
       r.policy.fetches = {served("192.0.2.1", 404, ""), served("2001:db8::1", 404, "")};
     },
     {"policy_http_status"},
     Verdict::fail},
    {"PolicyRedirected",
     [](DomainReport& r) {
       r.policy.fetches = {served("192.0.2.1", 301, ""), served("2001:db8::1", 301, "")};
       for (auto& fetch : r.policy.fetches) {
         fetch.response->headers.emplace_back("location", "https://example.com/");
       }
     },
     {"policy_redirect"},
     Verdict::fail},
    {"PolicyServedAsHtml",
     [](DomainReport& r) {
       r.policy.fetches = {served("192.0.2.1", 200, support::kEnforcePolicy, "text/html"),
                           served("2001:db8::1", 200, support::kEnforcePolicy, "text/html")};
     },
     {"policy_content_type"},
     Verdict::fail},
    {"PolicyLargerThanTheLimit",
     [](DomainReport& r) {
       for (auto& fetch : r.policy.fetches) fetch.error = net::FetchError::body_too_large;
     },
     {"policy_too_large"},
     Verdict::fail},
    {"PolicyNotServedOverIpv6",
     [](DomainReport& r) {
       auto& v6 = r.policy.fetches[1];
       v6.error = net::FetchError::connect_failed;
       v6.stage = net::FetchStage::connect;
       v6.detail = "Network is unreachable";
       v6.response.reset();
       v6.tls.reset();
     },
     {"policy_connect_failed", "policy_ipv4_only"},
     Verdict::fail},
    {"PolicyHostWithoutIpv4Address",
     [](DomainReport& r) {
       r.policy.lookup.v4_failure = dns::DnsFailure::nodata;
       r.policy.lookup.addresses = {asio::ip::make_address("2001:db8::1")};
       r.policy.fetches.erase(r.policy.fetches.begin());
     },
     {"policy_ipv6_only"},
     Verdict::warning},
    {"PolicyDiffersBetweenFamilies",
     [](DomainReport& r) {
       r.policy.fetches[1] = served("2001:db8::1", 200, policy_with("max_age: 604800\r\n"));
     },
     {"policy_family_mismatch"},
     Verdict::warning},
    // The policy's text (RFC 8461 §3.2)
    {"PolicyLineWithoutColon",
     [](DomainReport& r) { serve_policy(r, policy_with("max_age: 1209600\r\nnonsense\r\n")); },
     {"policy_syntax"},
     Verdict::fail},
    {"PolicyVersion2",
     [](DomainReport& r) {
       serve_policy(r,
                    "version: STSv2\r\nmode: enforce\r\nmx: mx.example.com\r\n"
                    "max_age: 1209600\r\n");
     },
     {"policy_version"},
     Verdict::fail},
    {"PolicyModeMisspelt",
     [](DomainReport& r) {
       serve_policy(r,
                    "version: STSv1\r\nmode: enforcing\r\nmx: mx.example.com\r\n"
                    "max_age: 1209600\r\n");
     },
     {"policy_mode_invalid"},
     Verdict::fail},
    {"PolicyInTestingMode",
     [](DomainReport& r) {
       serve_policy(r,
                    "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\n"
                    "max_age: 1209600\r\n");
     },
     {"policy_mode_testing"},
     Verdict::ok},
    {"PolicyInModeNone",
     [](DomainReport& r) {
       serve_policy(r, "version: STSv1\r\nmode: none\r\nmax_age: 1209600\r\n");
     },
     {"policy_mode_none"},
     Verdict::warning},
    {"PolicyMaxAgeNotANumber",
     [](DomainReport& r) { serve_policy(r, policy_with("max_age: forever\r\n")); },
     {"policy_max_age_invalid"},
     Verdict::fail},
    {"PolicyMaxAgeOfAnHour",
     [](DomainReport& r) { serve_policy(r, policy_with("max_age: 3600\r\n")); },
     {"policy_max_age_short"},
     Verdict::warning},
    {"PolicyWithoutMx",
     [](DomainReport& r) {
       serve_policy(r, "version: STSv1\r\nmode: enforce\r\nmax_age: 1209600\r\n");
     },
     {"policy_mx_missing"},
     Verdict::fail},
    {"PolicyMxWithTwoWildcards",
     [](DomainReport& r) {
       serve_policy(r, policy_with("mx: *.*.example.com\r\nmax_age: 1209600\r\n"));
     },
     {"policy_mx_invalid"},
     Verdict::fail},
    {"PolicyModeTwice",
     [](DomainReport& r) { serve_policy(r, policy_with("max_age: 1209600\r\nmode: testing\r\n")); },
     {"policy_duplicate_field"},
     Verdict::warning},
    {"PolicyUnknownField",
     [](DomainReport& r) { serve_policy(r, policy_with("max_age: 1209600\r\next: 1\r\n")); },
     {"policy_unknown_field"},
     Verdict::ok},
    {"PolicyWithLfLineEndings",
     [](DomainReport& r) {
       serve_policy(r, "version: STSv1\nmode: enforce\nmx: mx.example.com\nmax_age: 1209600\n");
     },
     {"policy_lf_line_endings"},
     Verdict::ok},
    {"PolicyWithAnEmptyLine",
     [](DomainReport& r) { serve_policy(r, policy_with("\r\nmax_age: 1209600\r\n")); },
     {"policy_empty_line"},
     Verdict::warning},
    // The policy against the MX hosts (RFC 8461 §4.1)
    {"MxHostOutsideThePolicy",
     [](DomainReport& r) { r.mx[0].host = "mail.example.net"; },
     {"mx_not_covered", "policy_mx_unused"},
     Verdict::fail},
    {"PolicyPatternForNoMxHost",
     [](DomainReport& r) {
       serve_policy(r, policy_with("mx: old.example.com\r\nmax_age: 1209600\r\n"));
     },
     {"policy_mx_unused"},
     Verdict::ok},
    // Change detection (RFC 8461 §8.1): against what earlier checks saw
    {"PolicyChangedUnderTheSameId",
     [](DomainReport&) {},
     {"policy_changed_without_id_change"},
     Verdict::warning,
     history("1", "sha-of-an-older-policy")},
    {"IdChangedForTheSamePolicy",
     [](DomainReport&) {},
     {"id_changed_policy_unchanged"},
     Verdict::ok,
     history("0", "sha-of-" + support::kEnforcePolicy)},
    // MX hosts and their STARTTLS (RFC 5321, RFC 8461 §4)
    {"NullMx",
     [](DomainReport& r) {
       r.null_mx = true;
       r.mx.clear();
     },
     {"mx_none"},
     Verdict::warning},
    {"MxLookupServfail",
     [](DomainReport& r) {
       r.mx_failure = dns::DnsFailure::servfail;
       r.mx.clear();
     },
     {"mx_dns_error"},
     Verdict::unknown},
    {"MxHostWithoutAddress",
     [](DomainReport& r) {
       r.mx[0].lookup.v4_failure = r.mx[0].lookup.v6_failure = dns::DnsFailure::nxdomain;
       r.mx[0].lookup.addresses.clear();
       r.mx[0].probes.clear();
     },
     {"mx_unresolvable"},
     Verdict::warning},
    {"MxHostLookupTimeout",
     [](DomainReport& r) {
       r.mx[0].lookup.v4_failure = r.mx[0].lookup.v6_failure = dns::DnsFailure::timeout;
       r.mx[0].lookup.addresses.clear();
       r.mx[0].probes.clear();
     },
     {"mx_host_dns_error"},
     Verdict::unknown},
    {"OnlyMxRefusesPort25",
     [](DomainReport& r) {
       mx_probe_fails(r, net::SmtpError::connect_refused, net::SmtpStage::connect);
     },
     {"mx_connect_failed"},
     Verdict::fail},
    {"OnlyMxNeverGreets",
     [](DomainReport& r) { mx_probe_fails(r, net::SmtpError::timeout, net::SmtpStage::banner); },
     {"mx_timeout"},
     Verdict::fail},
    {"MxWithoutStarttls",
     [](DomainReport& r) {
       mx_probe_fails(r, net::SmtpError::starttls_missing, net::SmtpStage::starttls);
     },
     {"mx_starttls_missing"},
     Verdict::fail},
    {"MxHandshakeFailed",
     [](DomainReport& r) { mx_probe_fails(r, net::SmtpError::tls_failed, net::SmtpStage::tls); },
     {"mx_tls_failed"},
     Verdict::fail},
    {"MxNegotiatesTls10",
     [](DomainReport& r) { support::edit(r.mx[0].probes[0].tls).version = "TLSv1"; },
     {"mx_tls_version_old"},
     Verdict::fail},
    {"MxCertificateUntrusted",
     [](DomainReport& r) {
       mx_certificate(r).problems = {net::CertProblem::untrusted};
       mx_certificate(r).verified = false;
     },
     {"mx_cert_untrusted"},
     Verdict::fail},
    {"MxCertificateForAnotherName",
     [](DomainReport& r) {
       mx_certificate(r).problems = {net::CertProblem::name_mismatch};
       mx_certificate(r).verified = false;
     },
     {"mx_cert_name_mismatch"},
     Verdict::fail},
    {"MxCertificateExpired",
     [](DomainReport& r) {
       mx_certificate(r).problems = {net::CertProblem::expired};
       mx_certificate(r).not_after = kLastYear;
       mx_certificate(r).verified = false;
     },
     {"mx_cert_expired"},
     Verdict::fail},
    {"MxCertificateExpiresInThreeDays",
     [](DomainReport& r) { mx_certificate(r).not_after = kInThreeDays(); },
     {"mx_cert_expiring"},
     Verdict::warning},
    {"MxCertificateWithAWeakSignature",
     [](DomainReport& r) {
       mx_certificate(r).problems = {net::CertProblem::weak_signature};
       mx_certificate(r).verified = false;
     },
     {"mx_cert_weak"},
     Verdict::fail},
    {"NothingAnswersWhileEgressIsUnproven",
     [](DomainReport& r) {
       mx_probe_fails(r, net::SmtpError::timeout, net::SmtpStage::connect);
       r.port25_egress = Port25Egress::unproven;
     },
     {"port25_blocked"},
     Verdict::unknown},
    {"AgentOutOfFileDescriptors",
     [](DomainReport& r) {
       mx_probe_fails(r, net::SmtpError::local_resources, net::SmtpStage::connect);
     },
     {"agent_resources_exhausted"},
     Verdict::unknown},
    // _smtp._tls TXT record (RFC 8460 §3)
    {"TlsRptMissing",
     [](DomainReport& r) { r.tlsrpt.records.clear(); },
     {"tlsrpt_missing"},
     Verdict::warning},
    {"TlsRptWithoutRua",
     [](DomainReport& r) { r.tlsrpt.records = {"v=TLSRPTv1;"}; },
     {"tlsrpt_invalid"},
     Verdict::warning},
    {"TlsRptTwice",
     [](DomainReport& r) { r.tlsrpt.records.push_back("v=TLSRPTv1; rua=mailto:b@example.com"); },
     {"tlsrpt_multiple"},
     Verdict::warning},
    {"TlsRptOneRuaFtp",
     [](DomainReport& r) {
       r.tlsrpt.records = {"v=TLSRPTv1; rua=mailto:r@example.com,ftp://example.com/"};
     },
     {"tlsrpt_rua_invalid"},
     Verdict::warning},
    {"TlsRptUnknownField",
     [](DomainReport& r) { r.tlsrpt.records = {"v=TLSRPTv1; rua=mailto:r@example.com; ext=1"}; },
     {"tlsrpt_unknown_field"},
     Verdict::ok},
    {"TlsRptRuaTwice",
     [](DomainReport& r) {
       r.tlsrpt.records = {"v=TLSRPTv1; rua=mailto:r@example.com; rua=mailto:s@example.com"};
     },
     {"tlsrpt_duplicate_field"},
     Verdict::warning},
    {"TlsRptLookupServfail",
     [](DomainReport& r) {
       r.tlsrpt.failure = dns::DnsFailure::servfail;
       r.tlsrpt.records.clear();
     },
     {"tlsrpt_dns_error"},
     Verdict::unknown},
    {"TlsRptWrongCaseBesideAValidOne",
     [](DomainReport& r) {
       r.tlsrpt.records.push_back("v=tlsrptv1; rua=mailto:other@example.com");
     },
     {"tlsrpt_discarded"},
     Verdict::ok},
    // What senders reported in TLS-RPT reports (RFC 8460 §4.3), beside the probes
    {"SendersReportFailuresThatTheProbeDoesNotSee",
     [](DomainReport& r) {
       r.sender_reports = senders(1000, 5, {{"starttls-not-supported", 5, {"mx1.example.com"}}});
     },
     {"tlsrpt_failures_reported", "tlsrpt_failures_unexplained"},
     Verdict::warning},
    {"ReportsStoppedComing",
     [](DomainReport& r) {
       r.sender_reports = senders(0, 0, {});
       r.sender_reports->latest_end = 1'700'000'000;
     },
     {"tlsrpt_reports_stopped"},
     Verdict::warning,
     expecting_reports_since(1'700'000'000),
     {"mailto:r@example.com"}},
    // DANE for SMTP (RFC 7672)
    {"DaneWithMatchingRecords", [](DomainReport& r) { with_dane(r); }, {}, Verdict::ok},
    {"DaneTlsaMatchesNothingPresented",
     [](DomainReport& r) {
       with_dane(r);
       r.mx[0].probes[0].dane = dane::DaneOutcome{
           .matched = false, .error = 65, .error_text = "No matching DANE TLSA records"};
     },
     {"dane_tlsa_mismatch"},
     Verdict::fail},
    {"DaneOnlyPkixUsages",
     [](DomainReport& r) {
       with_dane(r);
       for (auto& t : edit(r.mx[0].dane).tlsa) t.usage = 1;
       for (auto& probe : r.mx[0].probes) probe.dane.reset();
     },
     {"dane_tlsa_unusable"},
     Verdict::warning},
    {"DaneSingleRecord",
     [](DomainReport& r) {
       with_dane(r);
       edit(r.mx[0].dane).tlsa.resize(1);
     },
     {"dane_tlsa_single"},
     Verdict::warning},
    {"DaneTlsaInAnUnsignedZone",
     [](DomainReport& r) {
       with_dane(r);
       edit(r.mx[0].dane).tlsa_security = dane::Security::insecure;
       for (auto& probe : r.mx[0].probes) probe.dane.reset();
     },
     {"dane_tlsa_unsigned"},
     Verdict::ok},
    {"DaneWithoutStarttls",
     [](DomainReport& r) {
       with_dane(r);
       mx_probe_fails(r, net::SmtpError::starttls_missing, net::SmtpStage::starttls);
       r.mx[0].probes[0].dane.reset();
     },
     {"dane_starttls_missing", "mx_starttls_missing"},
     Verdict::fail},
    {"DnssecBogusTlsa",
     [](DomainReport& r) {
       with_dane(r);
       edit(r.mx[0].dane).tlsa_security = dane::Security::bogus;
       edit(r.mx[0].dane).why_bogus = "signature crypto failed";
     },
     {"dnssec_bogus"},
     Verdict::fail},
    {"DaneLookupFailed",
     [](DomainReport& r) {
       with_dane(r);
       edit(r.dnssec).error = "SERVFAIL";
     },
     {"dane_dns_error"},
     Verdict::unknown},
    {"SendersReportAFifthOfSessionsFailingUnderEnforce",
     [](DomainReport& r) {
       r.sender_reports = senders(800, 200, {{"made-up", 200, {}}});
     },
     {"tlsrpt_failures_reported"},
     Verdict::fail},
};

class EvaluateTable : public ::testing::TestWithParam<Row> {};

TEST_P(EvaluateTable, OneChangedFactGivesItsFinding) {
  DomainReport r = healthy();
  GetParam().change(r);
  EvaluationOptions options;
  options.previous = GetParam().previous;
  options.own_rua = GetParam().own_rua;
  (void)evaluate(r, options);
  EXPECT_EQ(codes(r), GetParam().codes);
  EXPECT_EQ(r.verdict, GetParam().verdict) << to_string(r.verdict);
}

INSTANTIATE_TEST_SUITE_P(Codes, EvaluateTable, ::testing::ValuesIn(kRows),
                         [](const ::testing::TestParamInfo<Row>& row) {
                           return std::string(row.param.name);
                         });

// Senders' reports beside the probe: the cause the probe sees too is named in the finding,
// and is not "unexplained".
TEST(EvaluateSenderReports, NamesTheProbesFindingOfTheSameCause) {
  DomainReport r = healthy();
  mx_certificate(r).problems = {net::CertProblem::expired};
  mx_certificate(r).not_after = kLastYear;
  mx_certificate(r).verified = false;
  r.sender_reports = senders(900, 100, {{"certificate-expired", 100, {"mx1.example.com"}}});
  (void)evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("mx_cert_expired", "tlsrpt_failures_reported"));
  const auto& reported = r.findings.back();
  EXPECT_EQ(reported.subject, "example.com");
  EXPECT_EQ(reported.severity, Severity::error);  // a tenth of the sessions under enforce
  EXPECT_EQ(reported.message,
            "senders reported 100 failed of 1000 sessions in 2 reports since 2026-11-29 (from "
            "Large Mail Provider, Another Provider): certificate-expired 100 at mx1.example.com "
            "(the probe sees it too: mx_cert_expired)");
}

TEST(EvaluateSenderReports, AFewFailuresAreAWarning) {
  DomainReport r = healthy();
  mx_certificate(r).problems = {net::CertProblem::expired};
  mx_certificate(r).verified = false;
  r.sender_reports = senders(10000, 3, {{"certificate-expired", 3, {}}});
  (void)evaluate(r, {});
  EXPECT_EQ(r.findings.back().severity, Severity::warning);
}

TEST(EvaluateSenderReports, NothingUnexplainedWhenTheProbesCouldNotLook) {
  // Port 25 blocked here: the probe cannot tell whether STARTTLS works.
  DomainReport r = healthy();
  r.port25_egress = Port25Egress::blocked;
  mx_probe_fails(r, net::SmtpError::timeout, net::SmtpStage::connect);
  r.sender_reports = senders(100, 5, {{"starttls-not-supported", 5, {}}});
  (void)evaluate(r, {});
  EXPECT_THAT(codes(r), Not(Contains("tlsrpt_failures_unexplained")));
  EXPECT_THAT(codes(r), Contains("tlsrpt_failures_reported"));
}

// Without DANE checked here, DANE failures senders report are reported, not judged.
TEST(EvaluateSenderReports, DaneFailuresAreReportedNotJudgedWithoutDane) {
  DomainReport r = healthy();
  r.sender_reports = senders(100, 5, {{"tlsa-invalid", 5, {}}});
  (void)evaluate(r, {});
  EXPECT_THAT(codes(r), ElementsAre("tlsrpt_failures_reported"));
}

// With DANE checked: the probe's own DANE finding explains them, or nothing does.
TEST(EvaluateSenderReports, DaneFailuresAreJudgedWhereDaneIsChecked) {
  DomainReport matching = healthy();
  with_dane(matching);
  matching.sender_reports = senders(100, 5, {{"tlsa-invalid", 5, {}}});
  (void)evaluate(matching, {});
  EXPECT_THAT(codes(matching),
              ElementsAre("tlsrpt_failures_reported", "tlsrpt_failures_unexplained"));

  DomainReport stale = healthy();
  with_dane(stale);
  stale.mx[0].probes[0].dane = dane::DaneOutcome{.matched = false, .error_text = "no match"};
  stale.sender_reports = senders(100, 5, {{"tlsa-invalid", 5, {}}});
  (void)evaluate(stale, {});
  EXPECT_THAT(codes(stale), ElementsAre("dane_tlsa_mismatch", "tlsrpt_failures_reported"));
  const auto reported = std::find_if(stale.findings.begin(), stale.findings.end(), [](auto& f) {
    return f.code == FindingCode::tlsrpt_failures_reported;
  });
  EXPECT_THAT(reported->message, HasSubstr("the probe sees it too: dane_tlsa_mismatch"));
}

TEST(EvaluateSenderReports, NoFailuresNoFinding) {
  DomainReport r = healthy();
  r.sender_reports = senders(100, 0, {});
  (void)evaluate(r, {});
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.verdict, Verdict::ok);
}

// Reports that should come to this agent (its rua in the domain's record) and do not.
class EvaluateReportsStopped : public ::testing::Test {
 protected:
  static constexpr std::int64_t kNow = 1'800'000'000;
  PolicyHistory evaluate_at(DomainReport& r, std::optional<PolicyHistory> previous,
                            std::vector<std::string> own = {"mailto:R@Example.com?subject=tls"}) {
    EvaluationOptions options;
    options.now = std::chrono::system_clock::from_time_t(kNow);
    options.previous = std::move(previous);
    options.own_rua = std::move(own);
    return evaluate(r, options);
  }
};

TEST_F(EvaluateReportsStopped, RemembersSinceWhenTheRecordNamesTheAgent) {
  DomainReport r = healthy();
  r.sender_reports = senders(0, 0, {});
  const auto first = evaluate_at(r, std::nullopt);
  EXPECT_EQ(first.reports_expected_since, kNow);
  EXPECT_TRUE(r.findings.empty());  // too early to expect anything
  // A later check keeps the date; a record that no longer names the agent clears it.
  DomainReport later = healthy();
  later.sender_reports = senders(0, 0, {});
  EXPECT_EQ(evaluate_at(later, first).reports_expected_since, kNow);
  DomainReport elsewhere = healthy();
  elsewhere.tlsrpt.records = {"v=TLSRPTv1; rua=mailto:other@example.net"};
  EXPECT_EQ(evaluate_at(elsewhere, first).reports_expected_since, 0);
  // A DNS failure says nothing: the date stays.
  DomainReport failed = healthy();
  failed.tlsrpt.failure = dns::DnsFailure::servfail;
  failed.tlsrpt.records.clear();
  EXPECT_EQ(evaluate_at(failed, first).reports_expected_since, kNow);
}

TEST_F(EvaluateReportsStopped, NoReportForThreeDaysIsAFinding) {
  DomainReport r = healthy();
  r.sender_reports = senders(0, 0, {});
  (void)evaluate_at(r, expecting_reports_since(kNow - 4 * 86400));
  ASSERT_THAT(codes(r), ElementsAre("tlsrpt_reports_stopped"));
  EXPECT_EQ(r.findings[0].subject, "_smtp._tls.example.com");
  EXPECT_EQ(r.findings[0].message,
            "the record sends reports to mailto:r@example.com (this agent) since 2027-01-11, "
            "but no report has been received");
  EXPECT_EQ(r.verdict, Verdict::warning);
}

TEST_F(EvaluateReportsStopped, ARecentReportOrAYoungRecordIsNot) {
  DomainReport recent = healthy();
  recent.sender_reports = senders(10, 0, {});
  recent.sender_reports->latest_end = kNow - 86400;
  (void)evaluate_at(recent, expecting_reports_since(kNow - 30 * 86400));
  EXPECT_TRUE(recent.findings.empty());
  DomainReport young = healthy();
  young.sender_reports = senders(0, 0, {});
  (void)evaluate_at(young, expecting_reports_since(kNow - 2 * 86400));
  EXPECT_TRUE(young.findings.empty());
  // Without a report store (the check command) nothing is expected.
  DomainReport no_store = healthy();
  (void)evaluate_at(no_store, expecting_reports_since(kNow - 30 * 86400));
  EXPECT_TRUE(no_store.findings.empty());
}

TEST_F(EvaluateReportsStopped, NamesTheNewestReport) {
  DomainReport r = healthy();
  r.sender_reports = senders(0, 0, {});
  r.sender_reports->latest_end = kNow - 5 * 86400;
  (void)evaluate_at(r, expecting_reports_since(kNow - 30 * 86400));
  ASSERT_THAT(codes(r), ElementsAre("tlsrpt_reports_stopped"));
  EXPECT_THAT(r.findings[0].message,
              HasSubstr("but the newest report received ended 2027-01-10T08:00:00Z (5 days ago)"));
}

TEST(EvaluateTableRows, CoverEveryFindingCode) {
  for (std::size_t i = 0; i < kFindingCodeCount; ++i) {
    const std::string code(to_string(static_cast<FindingCode>(i)));
    const bool covered = std::any_of(kRows.begin(), kRows.end(), [&](const Row& row) {
      return std::find(row.codes.begin(), row.codes.end(), code) != row.codes.end();
    });
    EXPECT_TRUE(covered) << code << " has no row in the table";
  }
}

}  // namespace
}  // namespace mtasts::probe
