// libFuzzer target: evaluate() on facts generated from the fuzzer's bytes (records, a policy
// body, fetches, up to 10 MX hosts with probes and certificates, the history of earlier
// checks), then the store and the collector. Whatever a hostile domain serves, its findings and its
// series stay bounded, and the scrape stays UTF-8.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/utf8.hpp"
#include "fuzz_support.hpp"
#include "metrics/collector.hpp"
#include "probe/evaluate.hpp"
#include "probe/sender_outlook.hpp"
#include "state/domain_store.hpp"

namespace {

using mtasts::fuzz::Bytes;
namespace net = mtasts::net;
namespace probe = mtasts::probe;
namespace tlsrpt = mtasts::tlsrpt;

/// Most series a domain may have: a few dozen of its own, and per MX host (at most 10) its
/// families, address families and certificate. Thousands would mean a finding per line.
constexpr std::size_t kMaxSeriesPerDomain = 600;

asio::ip::address address(Bytes& bytes) {
  if (bytes.flag()) return asio::ip::address_v4(0xC0000200u + bytes.byte());
  asio::ip::address_v6::bytes_type raw{0x20, 0x01, 0x0d, 0xb8};
  raw[15] = bytes.byte();
  return asio::ip::address_v6(raw);
}

mtasts::probe::TxtLookupFacts txt(Bytes& bytes, const std::string& name, bool sts) {
  mtasts::probe::TxtLookupFacts lookup;
  lookup.name = name;
  lookup.failure = static_cast<mtasts::dns::DnsFailure>(bytes.below(4));
  const std::size_t count = bytes.below(4);
  for (std::size_t i = 0; i < count; ++i) {
    lookup.records.push_back(
        sts ? bytes.pick({"v=STSv1; id=1", "v=STSv1; id=2;", "v=STSv1", "v=spf1 -all"}, 300)
            : bytes.pick({"v=TLSRPTv1; rua=mailto:r@example.com", "v=TLSRPTv1;"}, 300));
  }
  return lookup;
}

net::TlsFacts tls(Bytes& bytes, const std::string& host) {
  net::TlsFacts facts;
  facts.version = bytes.pick({"TLSv1.3", "TLSv1.2", "TLSv1", "SSLv3"});
  facts.has_certificate = bytes.flag();
  auto& cert = facts.certificate;
  cert.dns_names = {bytes.flag() ? host : bytes.text(40)};
  cert.dns_names_total = cert.dns_names.size() + bytes.below(500);
  cert.not_after = 1800000000 + static_cast<std::time_t>(bytes.byte()) * 86400 * 30 - 86400 * 3000;
  cert.verified = bytes.flag();
  const std::size_t problems = bytes.below(3);
  for (std::size_t i = 0; i < problems; ++i) {
    cert.problems.push_back(static_cast<net::CertProblem>(bytes.below(5)));
  }
  cert.error = bytes.text(40);
  return facts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes bytes(data, size);
  probe::DomainReport r;
  r.domain = "example.com";
  r.sts = txt(bytes, "_mta-sts.example.com", true);
  r.tlsrpt = txt(bytes, "_smtp._tls.example.com", false);
  r.null_mx = bytes.flag();
  r.mx_failure = static_cast<mtasts::dns::DnsFailure>(bytes.below(4));
  r.port25_egress = static_cast<probe::Port25Egress>(bytes.below(3));

  r.policy.host = "mta-sts.example.com";
  const std::size_t fetches = bytes.below(5);
  for (std::size_t i = 0; i < fetches; ++i) {
    r.policy.lookup.addresses.push_back(address(bytes));
    net::PolicyFetch fetch;
    fetch.endpoint = {r.policy.lookup.addresses.back(), 443};
    fetch.error = static_cast<net::FetchError>(bytes.below(8));
    fetch.stage = static_cast<net::FetchStage>(bytes.below(4));
    if (bytes.flag()) fetch.tls = std::make_shared<const net::TlsFacts>(tls(bytes, r.policy.host));
    if (bytes.flag()) {
      net::HttpResponse response;
      response.status = bytes.flag() ? 200 : 300 + bytes.byte();
      response.headers = {{"content-type", bytes.pick({"text/plain", "text/html"})}};
      fetch.response = response;
    }
    r.policy.fetches.push_back(std::move(fetch));
  }
  const std::size_t hosts = bytes.below(11);
  for (std::size_t i = 0; i < hosts; ++i) {
    probe::MxHostFacts mx;
    mx.host = bytes.pick({"mx.example.com", "mx2.example.com", "mail.other.net"}, 40);
    mx.preference = bytes.byte();
    mx.lookup.v4_failure = static_cast<mtasts::dns::DnsFailure>(bytes.below(4));
    const std::size_t probes = bytes.below(5);
    for (std::size_t j = 0; j < probes; ++j) {
      mx.lookup.addresses.push_back(address(bytes));
      net::SmtpProbe smtp;
      smtp.endpoint = {mx.lookup.addresses.back(), 25};
      smtp.error = static_cast<net::SmtpError>(bytes.below(11));
      smtp.stage = static_cast<net::SmtpStage>(bytes.below(7));
      smtp.detail = bytes.text(40);
      smtp.starttls_offered = bytes.flag();
      if (bytes.flag()) smtp.tls = std::make_shared<const net::TlsFacts>(tls(bytes, mx.host));
      mx.probes.push_back(std::move(smtp));
    }
    r.mx.push_back(std::move(mx));
  }
  r.policy.body_sha256 = bytes.pick({"", "aaaa", "bbbb"});
  if (bytes.flag()) {  // what senders reported (TLS-RPT)
    tlsrpt::RecentReports senders;
    senders.since = 1800000000 - 2 * 86400;
    senders.reports = bytes.below(5);
    senders.successful = bytes.byte() * bytes.byte();
    senders.failed = bytes.flag() ? UINT64_MAX - bytes.byte() : bytes.byte();
    for (std::size_t n = bytes.below(tlsrpt::RecentReports::kMaxTypes + 1); n > 0; --n) {
      senders.failures.push_back(
          {bytes.pick({"certificate-expired", "starttls-not-supported", "sts-policy-fetch-error",
                       "sts-webpki-invalid", "tlsa-invalid", "validation-failure", "new-type"},
                      60),
           bytes.byte(),
           {bytes.pick({"mx.example.com", "mx2.example.com", "elsewhere.example"}, 60)}});
    }
    senders.reporters = {bytes.pick({"Provider", "Other"}, 64)};
    r.sender_reports = std::move(senders);
  }
  if (bytes.flag()) {  // DANE was checked: validated lookups and each probe's DANE verdict
    const auto security = [&bytes] { return static_cast<mtasts::dane::Security>(bytes.below(3)); };
    r.dnssec = probe::share(probe::DnssecFacts{.mx_security = security(),
                                               .error = bytes.flag() ? "" : "SERVFAIL",
                                               .why_bogus = bytes.text(40)});
    for (auto& mx : r.mx) {
      if (!bytes.flag()) continue;
      probe::DaneHostFacts d;
      d.address_security = security();
      d.tlsa_security = security();
      if (bytes.flag()) {  // a secure CNAME, with the TLSA records at its target or not
        d.canonical_host = "target.example";
        d.tlsa_at_canonical = bytes.flag();
      }
      d.error = bytes.flag() ? "" : "timeout";
      for (std::size_t n = bytes.below(4); n > 0; --n) {
        d.tlsa.push_back({static_cast<std::uint8_t>(bytes.below(5)),
                          static_cast<std::uint8_t>(bytes.below(3)),
                          static_cast<std::uint8_t>(bytes.below(4)),
                          std::vector<unsigned char>(bytes.flag() ? 32 : bytes.below(70), 7)});
      }
      mx.dane = probe::share(std::move(d));
      for (auto& smtp : mx.probes) {
        if (bytes.flag()) {
          smtp.dane =
              mtasts::dane::DaneOutcome{.matched = bytes.flag(), .error_text = bytes.text(40)};
        }
      }
    }
  }
  probe::EvaluationOptions options;
  options.now = std::chrono::system_clock::from_time_t(1800000000);
  if (bytes.flag()) {
    probe::PolicyHistory previous;
    previous.id = bytes.pick({"", "1", "2"});
    previous.body_sha256 = bytes.pick({"aaaa", "bbbb"});
    previous.max_age = bytes.byte() * 86400;
    previous.gone_since = bytes.flag() ? 1800000000 - bytes.byte() * 3600 : 0;
    previous.unannounced_change_since = bytes.flag() ? 1800000000 - bytes.byte() * 3600 : 0;
    previous.needless_id_change_at = bytes.flag() ? 1800000000 - bytes.byte() * 3600 : 0;
    options.previous = previous;
  }
  // The rest is the policy body that every 200 answer carries.
  const std::string body(bytes.rest());
  for (auto& fetch : r.policy.fetches) {
    if (fetch.response) fetch.response->body = body;
  }

  probe::PolicyHistory history = probe::evaluate(r, options);
  MTASTS_FUZZ_CHECK(r.findings.size() <= mtasts::kFindingCodeCount * mtasts::kMaxFindingsPerCode);
  for (const auto& f : r.findings) {
    MTASTS_FUZZ_CHECK(f.message.size() <= mtasts::kMaxFindingMessageBytes);
  }
  const bool any_error = mtasts::fuzz::has_error(r.findings);
  MTASTS_FUZZ_CHECK(any_error == (r.verdict == probe::Verdict::fail));
  // Which policy senders apply is derived for any facts, and says why.
  if (const auto outlook = probe::sender_outlook(r)) {
    MTASTS_FUZZ_CHECK(!outlook->mta_sts.why.empty());
    MTASTS_FUZZ_CHECK(outlook->dane.has_value() == (r.dnssec != nullptr));
  }

  mtasts::state::DomainStore store;
  store.retain({{"example.com", {}}});
  store.record(std::move(r), std::move(history));
  std::size_t series = 0;
  for (const auto& family : mtasts::metrics::collect(store, mtasts::metrics::AgentStats{})) {
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        if (label.name == "domain") ++series;
      }
    }
  }
  MTASTS_FUZZ_CHECK(series <= kMaxSeriesPerDomain);
  // What the scrape serves is UTF-8 whatever bytes the facts hold: Prometheus would refuse
  // all of it for one bad label value.
  std::string text;
  mtasts::metrics::render(
      store, mtasts::metrics::AgentStats{}, [&text](std::string_view part) { text += part; }, 500);
  MTASTS_FUZZ_CHECK(mtasts::is_valid_utf8(text));
  return 0;
}
