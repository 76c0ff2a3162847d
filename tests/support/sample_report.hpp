// Hand-made domain reports for tests of what is computed from reports (no network).
#pragma once

#include <ctime>
#include <string>

#include "probe/domain_report.hpp"

namespace mtasts::support {

/// A TLS 1.3 connection with a valid certificate for 90 more days.
inline net::TlsFacts trusted_tls() {
  net::TlsFacts tls;
  tls.has_certificate = true;
  tls.version = "TLSv1.3";
  tls.certificate.verified = true;
  tls.certificate.not_after = std::time(nullptr) + 90 * 86400;
  return tls;
}

/// TLS facts of a report to change in a test: a copy of its own replaces the shared,
/// immutable one.
inline net::TlsFacts& edit(net::SharedTlsFacts& tls) {
  auto copy = std::make_shared<net::TlsFacts>(*tls);
  tls = copy;
  return *copy;
}

inline net::PolicyFetch served(const std::string& ip, int status, std::string body,
                               std::string type = "text/plain") {
  net::PolicyFetch f;
  f.endpoint = {asio::ip::make_address(ip), 443};
  f.stage = net::FetchStage::done;
  f.tls = std::make_shared<const net::TlsFacts>(trusted_tls());
  net::HttpResponse response;
  response.status = status;
  response.headers = {{"content-type", std::move(type)}};
  response.body = std::move(body);
  f.response = response;
  return f;
}

inline net::SmtpProbe starttls_ok(const std::string& ip) {
  net::SmtpProbe p;
  p.endpoint = {asio::ip::make_address(ip), 25};
  p.stage = net::SmtpStage::done;
  p.starttls_offered = true;
  p.tls = std::make_shared<const net::TlsFacts>(trusted_tls());
  return p;
}

inline const std::string kEnforcePolicy =
    "version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 1209600\r\n";

/// The facts of a healthy domain (not yet evaluated): record, TLS-RPT, policy over both
/// families, one covered MX.
inline probe::DomainReport healthy_facts(const std::string& domain = "example.com",
                                         const std::string& id = "1",
                                         const std::string& policy = kEnforcePolicy) {
  probe::DomainReport r;
  r.domain = domain;
  r.sts = {"_mta-sts." + domain, dns::DnsFailure::none, "", {"v=STSv1; id=" + id}, {}};
  r.tlsrpt = {"_smtp._tls." + domain,
              dns::DnsFailure::none,
              "",
              {"v=TLSRPTv1; rua=mailto:r@" + domain},
              {}};
  r.policy.host = "mta-sts." + domain;
  r.policy.lookup.addresses = {asio::ip::make_address("192.0.2.1"),
                               asio::ip::make_address("2001:db8::1")};
  r.policy.fetches = {served("192.0.2.1", 200, policy), served("2001:db8::1", 200, policy)};
  r.policy.body_sha256 = "sha-of-" + policy;
  probe::MxHostFacts mx;
  mx.host = "mx.example.com";
  mx.preference = 10;
  mx.lookup.addresses = {asio::ip::make_address("192.0.2.25")};
  mx.probes = {starttls_ok("192.0.2.25")};
  r.mx = {mx};
  r.started = std::chrono::system_clock::now();
  r.seconds = 0.25;
  return r;
}

/// The healthy domain with DANE: a signed MX whose host has two DANE-EE records, the first
/// matching the chain every probe got.
inline void with_dane(probe::DomainReport& r) {
  r.dnssec = probe::share(probe::DnssecFacts{.mx_security = dane::Security::secure});
  probe::DaneHostFacts d;
  d.address_security = dane::Security::secure;
  d.tlsa_security = dane::Security::secure;
  d.tlsa = {{3, 1, 1, std::vector<unsigned char>(32, 1)},
            {3, 1, 1, std::vector<unsigned char>(32, 2)}};
  r.mx[0].dane = probe::share(d);
  for (auto& probe : r.mx[0].probes) probe.dane = dane::DaneOutcome{.matched = true, .depth = 0};
}

/// A shared, immutable part of a report (SharedDaneHostFacts, SharedDnssecFacts) made this
/// report's own to change: for tests that vary one fact.
template <class T>
T& edit(std::shared_ptr<const T>& shared) {
  auto own = std::make_shared<T>(*shared);
  T& facts = *own;
  shared = std::move(own);
  return facts;
}

}  // namespace mtasts::support
