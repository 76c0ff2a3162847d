#include "probe/evaluate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/time.hpp"
#include "dane/tlsa_assessment.hpp"
#include "mtasts/mx_pattern.hpp"
#include "mtasts/policy.hpp"
#include "mtasts/text.hpp"
#include "mtasts/tlsrpt_report.hpp"

namespace mtasts::probe {
namespace {

using dns::DnsFailure;

/// Findings of one code for one subject, collected over several addresses, so that the
/// same problem on 127.0.0.1 and ::1 is one finding naming both.
class Grouped {
 public:
  /// `severity`: instead of the catalogue's (the reachability rule, decided per domain).
  void add(FindingCode code, const std::string& subject, const std::string& what,
           const std::string& address, std::optional<Mode> mode,
           std::optional<Severity> severity = std::nullopt) {
    auto& entry = entries_[{code, subject, what}];
    entry.mode = mode;
    entry.severity = severity;
    entry.addresses.push_back(address);
  }
  void flush(std::vector<Finding>& out) {
    for (auto& [key, entry] : entries_) {
      const auto& [code, subject, what] = key;
      out.push_back(make_finding(
          code, subject, fmt::format("{} (from {})", what, fmt::join(entry.addresses, ", ")),
          entry.mode));
      if (entry.severity) out.back().severity = *entry.severity;
    }
    entries_.clear();
  }

 private:
  struct Entry {
    std::optional<Mode> mode;
    std::optional<Severity> severity;
    std::vector<std::string> addresses;
  };
  std::map<std::tuple<FindingCode, std::string, std::string>, Entry> entries_;
};

std::string describe(DnsFailure failure) {
  return std::string(dns::to_string(failure));
}

/// No address in any family that was looked up (a family left out by the configuration
/// says nothing).
bool no_address(const AddressLookupFacts& lookup) {
  return (!lookup.v4_asked || dns::is_absent(lookup.v4_failure)) &&
         (!lookup.v6_asked || dns::is_absent(lookup.v6_failure));
}

/// "A: nxdomain, AAAA: timeout" for the families that were looked up.
std::string describe(const AddressLookupFacts& lookup) {
  std::string out;
  if (lookup.v4_asked) out = "A: " + describe(lookup.v4_failure);
  if (lookup.v6_asked) out += (out.empty() ? "AAAA: " : ", AAAA: ") + describe(lookup.v6_failure);
  return out;
}

void evaluate_sts(DomainReport& r) {
  const std::string subject = r.sts.name;
  if (!dns::is_definitive(r.sts.failure)) {
    r.sts_status = RecordStatus::dns_error;
    r.findings.push_back(make_finding(
        FindingCode::sts_record_dns_error, subject,
        fmt::format("the TXT lookup failed ({}: {}); whether a record exists is unknown",
                    describe(r.sts.failure), r.sts.error)));
    return;
  }
  r.sts_record = evaluate_sts_records(r.sts.records, subject);
  for (auto& f : r.sts_record.findings) r.findings.push_back(f);
  if (r.sts_record.valid) {
    r.sts_status = RecordStatus::valid;
    return;
  }
  const bool missing =
      std::any_of(r.sts_record.findings.begin(), r.sts_record.findings.end(),
                  [](const Finding& f) { return f.code == FindingCode::sts_record_missing; });
  const bool multiple =
      std::any_of(r.sts_record.findings.begin(), r.sts_record.findings.end(),
                  [](const Finding& f) { return f.code == FindingCode::sts_record_multiple; });
  r.sts_status = missing    ? RecordStatus::missing
                 : multiple ? RecordStatus::multiple
                            : RecordStatus::invalid;
  if (!missing) return;
  // The forgotten underscore: a v=STSv1 record at mta-sts.<d> or at the apex.
  for (const auto& look : r.misplaced_lookups) {
    for (const auto& record : look.records) {
      if (begins_with_version(record, kStsVersion) ||
          looks_like_version_attempt(record, kStsVersion)) {
        r.sts_status = RecordStatus::misplaced;
        r.findings.erase(std::remove_if(r.findings.begin(), r.findings.end(),
                                        [](const Finding& f) {
                                          return f.code == FindingCode::sts_record_missing;
                                        }),
                         r.findings.end());
        r.findings.push_back(make_finding(
            FindingCode::sts_record_misplaced, subject,
            fmt::format("no record at {}, but {} has {}: move it to {} (note the underscore)",
                        subject, look.name, in_quotes(record), subject)));
        return;
      }
    }
  }
}

void evaluate_tlsrpt(DomainReport& r) {
  if (!dns::is_definitive(r.tlsrpt.failure)) {
    r.tlsrpt_status = RecordStatus::dns_error;
    r.findings.push_back(make_finding(
        FindingCode::tlsrpt_dns_error, r.tlsrpt.name,
        fmt::format("the TXT lookup failed ({}: {}); whether a record exists is unknown",
                    describe(r.tlsrpt.failure), r.tlsrpt.error)));
    return;
  }
  r.tlsrpt_record = evaluate_tlsrpt_records(r.tlsrpt.records, r.tlsrpt.name);
  for (auto& f : r.tlsrpt_record.findings) r.findings.push_back(f);
  if (r.tlsrpt_record.valid) {
    r.tlsrpt_status = RecordStatus::valid;
  } else if (std::any_of(r.tlsrpt_record.findings.begin(), r.tlsrpt_record.findings.end(),
                         [](const Finding& f) { return f.code == FindingCode::tlsrpt_missing; })) {
    r.tlsrpt_status = RecordStatus::missing;
  } else if (std::any_of(r.tlsrpt_record.findings.begin(), r.tlsrpt_record.findings.end(),
                         [](const Finding& f) { return f.code == FindingCode::tlsrpt_multiple; })) {
    r.tlsrpt_status = RecordStatus::multiple;
  } else {
    r.tlsrpt_status = RecordStatus::invalid;
  }
}

/// Certificate findings of one TLS connection; `role` picks the policy_* or mx_* codes.
void certificate_findings(const net::TlsFacts& tls, bool mx, const std::string& subject,
                          const std::string& address, std::optional<Mode> mode,
                          const EvaluationOptions& options, Grouped& grouped) {
  const auto& cert = tls.certificate;
  for (auto problem : cert.problems) {
    switch (problem) {
      case net::CertProblem::expired:
        grouped.add(mx ? FindingCode::mx_cert_expired : FindingCode::policy_cert_expired, subject,
                    fmt::format("the certificate expired on {}", utc_date(cert.not_after)), address,
                    mode);
        break;
      case net::CertProblem::name_mismatch:
        grouped.add(
            mx ? FindingCode::mx_cert_name_mismatch : FindingCode::policy_cert_name_mismatch,
            subject,
            fmt::format("the certificate is for {}, not {}",
                        cert.dns_names.empty() ? std::string("no DNS name")
                        : cert.dns_names_total > cert.dns_names.size()
                            ? fmt::format("{} and {} more", fmt::join(cert.dns_names, ", "),
                                          cert.dns_names_total - cert.dns_names.size())
                            : fmt::format("{}", fmt::join(cert.dns_names, ", ")),
                        subject),
            address, mode);
        break;
      case net::CertProblem::weak_key:
      case net::CertProblem::weak_signature:
        grouped.add(mx ? FindingCode::mx_cert_weak : FindingCode::policy_cert_weak, subject,
                    fmt::format("the certificate chain does not verify at security level 2: {} "
                                "(issuer {})",
                                problem == net::CertProblem::weak_key
                                    ? "a key is too small"
                                    : "a signature uses a weak digest such as SHA-1",
                                printable(cert.issuer, 120)),
                    address, mode);
        break;
      case net::CertProblem::untrusted:
      case net::CertProblem::not_yet_valid:
      case net::CertProblem::other:
        grouped.add(mx ? FindingCode::mx_cert_untrusted : FindingCode::policy_cert_untrusted,
                    subject,
                    fmt::format("the certificate does not verify: {} (issuer {})", cert.error,
                                printable(cert.issuer, 120)),
                    address, mode);
        break;
    }
  }
  const auto expires = std::chrono::system_clock::from_time_t(cert.not_after);
  if (cert.not_after > 0 && expires > options.now &&
      expires - options.now < options.expiry_warning) {
    const auto days =
        std::chrono::duration_cast<std::chrono::hours>(expires - options.now).count() / 24;
    grouped.add(
        mx ? FindingCode::mx_cert_expiring : FindingCode::policy_cert_expiring, subject,
        fmt::format("the certificate expires on {} (in {} days)", utc_date(cert.not_after), days),
        address, mode);
  }
}

/// The agent could not try something (out of file descriptors or memory): say so once, and
/// blame nobody else (the verdict becomes unknown).
void agent_shortage(DomainReport& r, const std::string& what) {
  for (const auto& f : r.findings) {
    if (f.code == FindingCode::agent_resources_exhausted) return;
  }
  r.findings.push_back(make_finding(
      FindingCode::agent_resources_exhausted, r.domain,
      fmt::format("the agent ran out of file descriptors or memory ({}): not a problem of the "
                  "domain; the results it could not get are unknown",
                  what)));
}

/// deny_private_addresses kept the agent from these addresses of `host`.
void refused_findings(DomainReport& r, const std::string& host, const AddressLookupFacts& lookup) {
  if (lookup.refused.empty()) return;
  std::vector<std::string> addresses;
  for (const auto& a : lookup.refused) addresses.push_back(a.to_string());
  r.findings.push_back(make_finding(
      FindingCode::address_private_refused, host,
      fmt::format("{} resolves to {} ({}): not reachable from the Internet, and not probed "
                  "(deny_private_addresses)",
                  host, addresses.size() == 1 ? "a private address" : "private addresses",
                  fmt::join(addresses, ", "))));
}

void evaluate_policy(DomainReport& r, const EvaluationOptions& options) {
  PolicyFacts& p = r.policy;
  // Without a record where senders look, a missing policy host is not a further problem.
  const bool record_present = r.sts_status == RecordStatus::valid ||
                              r.sts_status == RecordStatus::invalid ||
                              r.sts_status == RecordStatus::multiple;
  const auto& lookup = p.lookup;
  if (record_present) refused_findings(r, p.host, lookup);
  if (lookup.addresses.empty()) {
    if (!record_present) {
      r.policy_status = PolicyStatus::none;
      return;
    }
    r.policy_status = PolicyStatus::unreachable;
    if (!lookup.refused.empty()) return;  // said above
    if (no_address(lookup)) {
      r.findings.push_back(make_finding(FindingCode::policy_host_unresolvable, p.host,
                                        fmt::format("{} has no A or AAAA record", p.host)));
    } else {
      // A failed lookup is not a missing host: the verdict becomes unknown, not fail.
      r.findings.push_back(make_finding(
          FindingCode::policy_host_dns_error, p.host,
          fmt::format("the address lookup of {} failed ({})", p.host, describe(lookup))));
    }
    return;
  }

  Grouped grouped;
  bool v4_ok = false, v6_ok = false, v4_tried = false, v6_tried = false;
  const net::HttpResponse* v4_served = nullptr;  // what each family served, to compare
  const net::HttpResponse* v6_served = nullptr;
  const net::PolicyFetch* served = nullptr;
  for (const auto& f : p.fetches) {
    if (f.error == net::FetchError::local_resources) {
      agent_shortage(r, fmt::format("fetching the policy from {}: {}",
                                    f.endpoint.address().to_string(), f.detail));
      continue;
    }
    const bool v6 = f.endpoint.address().is_v6();
    (v6 ? v6_tried : v4_tried) = true;
    const std::string address = f.endpoint.address().to_string();
    if (f.tls) certificate_findings(*f.tls, false, p.host, address, std::nullopt, options, grouped);
    switch (f.error) {
      case net::FetchError::none:
      case net::FetchError::local_resources:  // skipped above
      case net::FetchError::body_too_large: break;
      case net::FetchError::connect_refused:
      case net::FetchError::connect_failed:
        grouped.add(FindingCode::policy_connect_failed, p.host,
                    fmt::format("no connection to port {}: {}", f.endpoint.port(), f.detail),
                    address, std::nullopt);
        break;
      case net::FetchError::timeout:
        grouped.add(FindingCode::policy_timeout, p.host, f.detail, address, std::nullopt);
        break;
      case net::FetchError::tls_failed:
        grouped.add(FindingCode::policy_tls_failed, p.host,
                    fmt::format("the TLS handshake failed: {}", f.detail), address, std::nullopt);
        break;
      case net::FetchError::http_malformed:
      case net::FetchError::http_truncated:
        grouped.add(FindingCode::policy_http_status, p.host,
                    fmt::format("no valid HTTP answer ({}: {})", net::to_string(f.error), f.detail),
                    address, std::nullopt);
        break;
    }
    if (f.error == net::FetchError::body_too_large) {
      grouped.add(FindingCode::policy_too_large, p.host,
                  fmt::format("the policy is larger than {} KiB; senders stop reading there",
                              kMaxPolicyBytes / 1024),
                  address, std::nullopt);
    }
    // Judge the status and type only of an answer that arrived whole: a fetch that timed out
    // or broke off has said what went wrong (a half-read head has no Content-Type yet).
    const bool complete =
        f.error == net::FetchError::none || f.error == net::FetchError::body_too_large;
    if (f.response && complete) {
      const auto& resp = *f.response;
      if (resp.status >= 300 && resp.status < 400) {
        grouped.add(
            FindingCode::policy_redirect, p.host,
            fmt::format(
                "answered {} redirecting to {}; senders do not follow redirects", resp.status,
                printable(std::string(resp.header("location").value_or("(no Location)")), 200)),
            address, std::nullopt);
      } else if (resp.status != 200) {
        grouped.add(FindingCode::policy_http_status, p.host,
                    fmt::format("answered {} {}; senders need 200", resp.status,
                                printable(resp.reason, 60)),
                    address, std::nullopt);
      } else {
        const auto type = resp.header("content-type").value_or("");
        const auto media = to_lower_ascii(trim_wsp(type.substr(0, type.find(';'))));
        if (media != "text/plain") {
          grouped.add(
              FindingCode::policy_content_type, p.host,
              fmt::format("served as {}; senders expect text/plain",
                          type.empty() ? std::string("(no Content-Type)") : in_quotes(type)),
              address, std::nullopt);
        }
        if (f.error == net::FetchError::none) {
          (v6 ? v6_ok : v4_ok) = true;
          if ((v6 ? v6_served : v4_served) == nullptr) (v6 ? v6_served : v4_served) = &resp;
          if (served == nullptr) served = &f;
        }
      }
    }
  }
  grouped.flush(r.findings);

  if (served != nullptr) {
    const std::string& body = served->response->body;
    p.parsed = parse_policy(body, p.host);
    for (auto& f : p.parsed->findings) r.findings.push_back(f);
    // Senders apply a policy only when the certificate it came with verifies (§3.3).
    const bool trusted = served->tls && served->tls->certificate.verified;
    r.policy_status = !trusted          ? PolicyStatus::certificate_invalid
                      : p.parsed->valid ? PolicyStatus::valid
                                        : PolicyStatus::invalid;
  } else {
    r.policy_status = PolicyStatus::unreachable;
  }
  if (v4_ok && !v6_ok && v6_tried) {
    r.findings.push_back(make_finding(FindingCode::policy_ipv4_only, p.host,
                                      "the policy is served over IPv4 but not over IPv6"));
  }
  if (v6_ok && !v4_ok && p.lookup.v4_asked) {
    r.findings.push_back(make_finding(
        FindingCode::policy_ipv6_only, p.host,
        v4_tried ? "the policy is served over IPv6 but not over IPv4"
                 : "the policy host has no IPv4 address; most senders cannot reach it"));
  }
  if (v4_ok && v6_ok && v4_served->body != v6_served->body) {
    r.findings.push_back(make_finding(FindingCode::policy_family_mismatch, p.host,
                                      "IPv4 and IPv6 serve different policies"));
  }
}

bool is_old_tls(const std::string& version) {
  return version == "TLSv1" || version == "TLSv1.1" || version == "SSLv3";
}

void evaluate_mx(DomainReport& r, const EvaluationOptions& options) {
  const std::optional<Mode> mode =
      r.policy.parsed && r.policy.parsed->valid ? r.policy.parsed->mode : std::nullopt;
  const std::vector<std::string> patterns =
      r.policy.parsed && r.policy.parsed->valid ? r.policy.parsed->mx : std::vector<std::string>{};
  const std::string domain = r.domain;

  if (!dns::is_definitive(r.mx_failure)) {
    r.findings.push_back(
        make_finding(FindingCode::mx_dns_error, domain,
                     fmt::format("the MX lookup failed ({}: {}); the MX hosts are unknown",
                                 describe(r.mx_failure), r.mx_error)));
    return;
  }
  if (r.null_mx) {
    r.findings.push_back(
        make_finding(FindingCode::mx_none, domain,
                     "the domain publishes a Null MX (RFC 7505): it accepts no mail"));
    return;
  }
  if (r.mx.size() == 1 && r.mx.front().implicit) {
    r.findings.push_back(make_finding(
        FindingCode::mx_none, domain,
        "the domain has no MX records; senders deliver to its own address (implicit MX, RFC 5321 "
        "section 5.1)"));
  }

  // Port-25 reachability first: whether any MX host of the domain answered decides how bad
  // an unreachable one is (senders fall back to the next MX, RFC 5321 §5.1), and whether
  // anything came back at all decides whether the agent's own port 25 is to blame.
  bool domain_reached = false, any_host_answered = false;
  for (const auto& host : r.mx) {
    for (const auto& p : host.probes) {
      domain_reached = domain_reached || reached_port25(p);
      any_host_answered = any_host_answered || p.stage >= net::SmtpStage::ehlo;
    }
  }
  // The domain's own probes are evidence too (a check without the agent-wide monitor).
  const bool egress_known = r.port25_egress == Port25Egress::working || domain_reached;
  // No path for mail at all: every MX host refused, hung or never greeted.
  const Severity reachability = any_host_answered ? Severity::warning : Severity::error;

  Grouped grouped;
  std::size_t attempted = 0;
  std::uint16_t smtp_port = 25;  // as probed (the lab uses another)
  for (auto& host : r.mx) {
    if (auto i = find_matching_pattern(patterns, host.host)) host.policy_match = patterns[*i];
    if (r.policy.parsed && r.policy.parsed->valid && !host.policy_match &&
        r.policy.parsed->mode != Mode::none) {
      r.findings.push_back(make_finding(
          FindingCode::mx_not_covered, host.host,
          fmt::format("MX host {} matches none of the policy's mx patterns ({}); under enforce, "
                      "senders refuse to deliver to it",
                      host.host, fmt::join(patterns, ", ")),
          mode));
    }
    if (!r.mx_probed) continue;
    refused_findings(r, host.host, host.lookup);
    if (host.lookup.addresses.empty() && !host.lookup.refused.empty()) continue;
    if (host.lookup.addresses.empty()) {
      const bool absent = no_address(host.lookup);
      r.findings.push_back(make_finding(
          absent ? FindingCode::mx_unresolvable : FindingCode::mx_host_dns_error, host.host,
          fmt::format("{} {} {} ({})", absent ? "MX host" : "the address lookup of", host.host,
                      absent ? "has no address" : "failed", describe(host.lookup))));
      continue;
    }
    for (const auto& p : host.probes) {
      const std::string address = p.endpoint.address().to_string();
      if (p.error == net::SmtpError::local_resources) {
        agent_shortage(r, fmt::format("probing {} at {}: {}", host.host, address, p.detail));
        continue;
      }
      ++attempted;
      smtp_port = p.endpoint.port();
      const auto unreachable = [&](FindingCode code, std::string what) {
        grouped.add(code, host.host, std::move(what), address, std::nullopt, reachability);
      };
      switch (p.error) {
        case net::SmtpError::none:
        case net::SmtpError::local_resources: break;  // skipped above
        case net::SmtpError::connect_refused:
          unreachable(
              FindingCode::mx_connect_failed,
              fmt::format("port {} refused the connection: {}", p.endpoint.port(), p.detail));
          break;
        case net::SmtpError::connect_failed:
          unreachable(FindingCode::mx_connect_failed,
                      fmt::format("no connection to port {}: {}", p.endpoint.port(), p.detail));
          break;
        case net::SmtpError::timeout:
          if (p.stage <= net::SmtpStage::banner) {
            unreachable(FindingCode::mx_timeout, p.detail);  // the detail names the stage
          } else {
            grouped.add(FindingCode::mx_timeout, host.host, p.detail, address, std::nullopt);
          }
          break;
        case net::SmtpError::starttls_missing:
          grouped.add(FindingCode::mx_starttls_missing, host.host, "EHLO does not offer STARTTLS",
                      address, mode);
          break;
        case net::SmtpError::starttls_rejected:
          grouped.add(FindingCode::mx_starttls_missing, host.host,
                      fmt::format("{} at {}: {}", net::to_string(p.error), net::to_string(p.stage),
                                  p.detail),
                      address, mode);
          break;
        case net::SmtpError::banner_rejected:
        case net::SmtpError::ehlo_rejected:
        case net::SmtpError::protocol: {
          std::string what = fmt::format("{} at {}: {}", net::to_string(p.error),
                                         net::to_string(p.stage), p.detail);
          if (p.stage <= net::SmtpStage::banner) {
            unreachable(FindingCode::mx_connect_failed, std::move(what));  // no greeting
          } else {
            grouped.add(FindingCode::mx_connect_failed, host.host, std::move(what), address,
                        std::nullopt);
          }
          break;
        }
        case net::SmtpError::tls_failed:
          grouped.add(FindingCode::mx_tls_failed, host.host,
                      fmt::format("the TLS handshake failed: {}", p.detail), address, mode);
          break;
      }
      if (p.tls) {
        certificate_findings(*p.tls, true, host.host, address, mode, options, grouped);
        if (is_old_tls(p.tls->version)) {
          grouped.add(FindingCode::mx_tls_version_old, host.host,
                      fmt::format("negotiated {}; RFC 8461 needs TLS 1.2 or later", p.tls->version),
                      address, mode);
        }
      }
    }
  }
  if (attempted > 0 && !egress_known) {
    // Nothing came back from any MX address, and the agent's port 25 is not known to work:
    // more likely the agent's own port 25 is blocked (clouds do this) than every MX down.
    // Claim nothing about the MX hosts.
    r.findings.push_back(make_finding(
        FindingCode::port25_blocked, domain,
        r.port25_egress == Port25Egress::blocked
            ? fmt::format("none of the {} MX addresses answered on port {}, and the agent's "
                          "outbound port {} is presumed blocked (nothing answered any check "
                          "for a whole round, and no egress canary): the MX results are unknown",
                          attempted, smtp_port, smtp_port)
            : fmt::format("none of the {} MX addresses answered on port {}, and no other "
                          "port-{} connection of the agent came back while this check ran (its "
                          "outbound port {} may be blocked): the MX results are unknown",
                          attempted, smtp_port, smtp_port, smtp_port)));
  } else {
    grouped.flush(r.findings);
  }
  if (r.policy.parsed && r.policy.parsed->valid && !r.mx.empty()) {
    std::vector<std::string> hosts;
    for (const auto& host : r.mx) hosts.push_back(host.host);
    for (const auto& pattern : unused_patterns(patterns, hosts)) {
      r.findings.push_back(make_finding(
          FindingCode::policy_mx_unused, pattern,
          fmt::format("pattern {} matches none of the domain's MX hosts", in_quotes(pattern))));
    }
  }
}

}  // namespace

namespace {

/// Whether the probes that could see a failure of this kind ran to the end: an MX failure is
/// "unexplained" only when MX hosts were probed with port 25 open, a policy failure only when
/// the policy was fetched.
/// DANE for SMTP (RFC 7672): what senders that do DANE find, from the validated lookups and
/// the chain each probe's handshake got. Applies per MX host, whether or not the domain's own
/// zone is signed: a hosting provider's MX hosts may be (§2.2.1).
void evaluate_dane(DomainReport& r) {
  if (!r.dnssec) return;
  const auto& dnssec = *r.dnssec;
  if (!dnssec.error.empty()) {
    r.findings.push_back(make_finding(
        FindingCode::dane_dns_error, r.domain,
        fmt::format("the DNSSEC-validated MX lookup failed ({}); whether DANE senders reach "
                    "the domain is unknown",
                    dnssec.error)));
  } else if (dnssec.mx_security == dane::Security::bogus) {
    r.findings.push_back(make_finding(
        FindingCode::dnssec_bogus, r.domain,
        fmt::format("the domain's MX records fail DNSSEC validation ({}): validating senders "
                    "cannot look them up and defer mail",
                    dnssec.why_bogus.empty() ? "no reason given" : dnssec.why_bogus)));
  }
  for (const auto& host : r.mx) {
    if (!host.dane) continue;
    const DaneHostFacts& d = *host.dane;
    // Only the hosts with findings need the name (most hosts are in unsigned zones).
    const auto tlsa_name = [&d, &host] { return d.tlsa_name(host.host); };
    if (!d.error.empty()) {
      r.findings.push_back(make_finding(
          FindingCode::dane_dns_error, tlsa_name(),
          fmt::format("the DNSSEC-validated lookup for MX host {} failed ({}); whether DANE "
                      "senders use it is unknown",
                      host.host, d.error)));
      continue;
    }
    if (d.address_security == dane::Security::bogus || d.tlsa_security == dane::Security::bogus) {
      const bool addresses = d.address_security == dane::Security::bogus;
      r.findings.push_back(make_finding(
          FindingCode::dnssec_bogus, addresses ? host.host : tlsa_name(),
          fmt::format("the {} of MX host {} fail DNSSEC validation ({}): validating senders "
                      "defer mail to it",
                      addresses ? "address records" : "TLSA records", host.host,
                      d.why_bogus.empty() ? "no reason given" : d.why_bogus)));
      continue;
    }
    if (d.tlsa.empty()) continue;
    if (!d.applies()) {
      r.findings.push_back(make_finding(
          FindingCode::dane_tlsa_unsigned, tlsa_name(),
          fmt::format("MX host {} publishes {} TLSA records, but its {} not DNSSEC-signed: "
                      "senders ignore them",
                      host.host, d.tlsa.size(),
                      d.tlsa_security != dane::Security::secure ? "TLSA records are"
                                                                : "address records are")));
      continue;
    }
    // What the RRset alone says (shared with `lint tlsa`); with no usable record, senders
    // encrypt but judge no chain, so nothing more is said.
    auto rrset = dane::rrset_findings(d.tlsa, tlsa_name());
    const bool none_usable = dane::count_usable(d.tlsa) == 0;
    for (auto& finding : rrset) r.findings.push_back(std::move(finding));
    if (none_usable) continue;
    std::vector<std::string> no_starttls, mismatched;
    for (const auto& probe : host.probes) {
      const std::string address = probe.endpoint.address().to_string();
      if (probe.error == net::SmtpError::starttls_missing) no_starttls.push_back(address);
      if (probe.dane && !probe.dane->matched) {
        mismatched.push_back(fmt::format("{}: {}", address, probe.dane->error_text));
      }
    }
    if (!no_starttls.empty()) {
      r.findings.push_back(make_finding(
          FindingCode::dane_starttls_missing, host.host,
          fmt::format("MX host {} publishes usable TLSA records but offers no STARTTLS at {}: "
                      "DANE senders defer mail to it",
                      host.host, fmt::join(no_starttls, ", "))));
    }
    if (!mismatched.empty()) {
      r.findings.push_back(make_finding(
          FindingCode::dane_tlsa_mismatch, host.host,
          fmt::format("no usable TLSA record at {} matches the certificate MX host {} presents "
                      "({}): DANE senders defer mail to it",
                      tlsa_name(), host.host, fmt::join(mismatched, "; "))));
    }
  }
}

bool probes_could_see(tlsrpt::ResultType type, const DomainReport& r) {
  switch (type) {
    case tlsrpt::ResultType::sts_policy_fetch_error:
    case tlsrpt::ResultType::sts_policy_invalid:
    case tlsrpt::ResultType::sts_webpki_invalid: return r.policy_status == PolicyStatus::valid;
    // DANE's only where the agent checked DANE and its validation worked.
    case tlsrpt::ResultType::dnssec_invalid: return r.dnssec != nullptr;
    case tlsrpt::ResultType::tlsa_invalid:
    case tlsrpt::ResultType::dane_required:
      if (!r.dnssec) return false;
      [[fallthrough]];
    default: return r.mx_probed && !r.mx.empty() && r.port25_egress != Port25Egress::blocked;
  }
}

/// Senders' TLS-RPT reports beside the probes' findings (RFC 8460 §4.3): a finding when they
/// report failures, naming for each kind the probe's finding of the same cause, and one when
/// they fail in ways every probe from here succeeds in.
void evaluate_sender_reports(DomainReport& r) {
  if (!r.sender_reports || r.sender_reports->failed == 0) return;
  const auto& senders = *r.sender_reports;
  const bool look_completed = verdict_of(r.findings) != Verdict::unknown;
  std::vector<std::string> kinds, unexplained;
  for (const auto& failures : senders.failures) {
    const auto type = tlsrpt::result_type_from(failures.result_type);
    std::string kind = fmt::format("{} {}", failures.result_type, failures.sessions);
    if (!failures.mx_hosts.empty())
      kind += fmt::format(" at {}", fmt::join(failures.mx_hosts, ", "));
    std::vector<std::string_view> seen;
    for (const auto code : tlsrpt::probe_codes_for(type)) {
      const bool found = std::any_of(r.findings.begin(), r.findings.end(),
                                     [code](const Finding& f) { return f.code == code; });
      if (found) seen.push_back(to_string(code));
    }
    if (!seen.empty()) {
      kind += fmt::format(" (the probe sees it too: {})", fmt::join(seen, ", "));
    } else if (!tlsrpt::probe_codes_for(type).empty() && look_completed &&
               probes_could_see(type, r)) {
      unexplained.push_back(
          fmt::format("{} ({} sessions)", failures.result_type, failures.sessions));
    }
    kinds.push_back(std::move(kind));
  }
  const std::uint64_t total = tlsrpt::saturating_add(senders.successful, senders.failed);
  const auto mode = r.policy.parsed ? r.policy.parsed->mode : std::nullopt;
  // A tenth of the sessions failing under enforce: that share of the mail is not delivered.
  const bool large_share = senders.failed >= total / 10 + (total % 10 != 0 ? 1 : 0);
  Finding reported =
      make_finding(FindingCode::tlsrpt_failures_reported, r.domain,
                   fmt::format("senders reported {} failed of {} sessions in {} reports since "
                               "{} (from {}): {}",
                               senders.failed, total, senders.reports, utc_date(senders.since),
                               fmt::join(senders.reporters, ", "), fmt::join(kinds, "; ")));
  if (mode == Mode::enforce && large_share) reported.severity = Severity::error;
  r.findings.push_back(std::move(reported));
  if (!unexplained.empty()) {
    r.findings.push_back(
        make_finding(FindingCode::tlsrpt_failures_unexplained, r.domain,
                     fmt::format("senders report {} while every probe from here succeeds",
                                 fmt::join(unexplained, ", "))));
  }
}

/// A rua URI as compared with the agent's own: lower case, a mailto: without its ?query.
std::string comparable_rua(std::string_view uri) {
  std::string out(uri);
  if (out.size() >= 7 && to_lower_ascii(out.substr(0, 7)) == "mailto:") {
    out = out.substr(0, out.find('?'));
  }
  return to_lower_ascii(out);
}

/// The first rua of the domain's record that is one of this agent's addresses, if any.
std::optional<std::string> rua_of_this_agent(const TlsRptRecord& record,
                                             const std::vector<std::string>& own) {
  for (const auto& uri : record.rua) {
    for (const auto& mine : own) {
      if (comparable_rua(uri) == comparable_rua(mine)) return uri;
    }
  }
  return std::nullopt;
}

/// How long a rua that names this agent may stay without reports: senders send one a day
/// (RFC 8460 §4.1), so three quiet days is a way in that broke, not a slow sender.
constexpr std::int64_t kReportsQuietSeconds = 3 * 86400;

/// Remembers since when the domain's TLS-RPT record names this agent, and says so when no
/// report has come for kReportsQuietSeconds since (or since the record began to name it).
void expect_reports(DomainReport& r, const EvaluationOptions& options, PolicyHistory& history) {
  const std::int64_t now = std::chrono::system_clock::to_time_t(options.now);
  const std::int64_t before = options.previous ? options.previous->reports_expected_since : 0;
  if (r.tlsrpt_status == RecordStatus::dns_error) {  // not known now: keep what was known
    history.reports_expected_since = before;
    return;
  }
  const auto rua = r.tlsrpt_status == RecordStatus::valid
                       ? rua_of_this_agent(r.tlsrpt_record, options.own_rua)
                       : std::nullopt;
  history.reports_expected_since = rua ? (before != 0 ? before : now) : 0;
  // Without a report store (check, or serve without --storage.path) nothing can be said.
  if (!rua || !r.sender_reports || now - history.reports_expected_since < kReportsQuietSeconds) {
    return;
  }
  const auto& latest = r.sender_reports->latest_end;
  if (latest && now - *latest < kReportsQuietSeconds) return;
  const std::string newest = latest
                                 ? fmt::format("the newest report received ended {} ({} days ago)",
                                               rfc3339(*latest), (now - *latest) / 86400)
                                 : std::string("no report has been received");
  r.findings.push_back(
      make_finding(FindingCode::tlsrpt_reports_stopped, r.tlsrpt.name,
                   fmt::format("the record sends reports to {} (this agent) since {}, but {}", *rua,
                               utc_date(history.reports_expected_since), newest)));
}

}  // namespace

bool reached_port25(const net::SmtpProbe& probe) {
  return probe.error == net::SmtpError::connect_refused || probe.stage > net::SmtpStage::connect;
}

std::string_view to_string(Verdict verdict) noexcept {
  switch (verdict) {
    case Verdict::ok: return "ok";
    case Verdict::warning: return "warning";
    case Verdict::fail: return "fail";
    case Verdict::unknown: return "unknown";
  }
  return "unknown";
}

Verdict verdict_of(const std::vector<Finding>& findings) {
  bool unknown = false, warning = false;
  for (const auto& f : findings) {
    if (f.severity == Severity::error) return Verdict::fail;
    unknown = unknown || spec(f.code).verdict_effect == VerdictEffect::makes_unknown;
    warning = warning || f.severity == Severity::warning;
  }
  if (unknown) return Verdict::unknown;
  return warning ? Verdict::warning : Verdict::ok;
}

PolicyHistory evaluate(DomainReport& report, const EvaluationOptions& options) {
  report.findings.clear();
  evaluate_sts(report);
  evaluate_tlsrpt(report);
  evaluate_policy(report, options);
  evaluate_mx(report, options);
  evaluate_dane(report);
  evaluate_sender_reports(report);  // after the probes' findings, which it names
  group_findings(report.findings);
  // A look that could not complete (a DNS failure) says nothing about a disappearance.
  const bool look_completed = verdict_of(report.findings) != Verdict::unknown;
  PolicyChange change = detect_policy_change(options.previous, report, look_completed,
                                             std::chrono::system_clock::to_time_t(options.now));
  std::move(change.findings.begin(), change.findings.end(), std::back_inserter(report.findings));
  expect_reports(report, options, change.history);
  report.verdict = verdict_of(report.findings);
  return std::move(change.history);
}

}  // namespace mtasts::probe
