#include "report/check_text.hpp"

#include <fmt/format.h>

#include "common/time.hpp"
#include "dane/tlsa_record.hpp"
#include "mtasts/idna.hpp"
#include "mtasts/text.hpp"
#include "probe/sender_outlook.hpp"
#include "report/check_json.hpp"
#include "report/terminal.hpp"

namespace mtasts::report {
namespace {

Tone tone_of(probe::Verdict verdict) {
  switch (verdict) {
    case probe::Verdict::ok: return Tone::good;
    case probe::Verdict::warning: return Tone::warn;
    case probe::Verdict::fail: return Tone::bad;
    case probe::Verdict::unknown: return Tone::note;
  }
  return Tone::plain;
}

Tone tone_of(probe::RecordStatus status) {
  switch (status) {
    case probe::RecordStatus::valid: return Tone::good;
    case probe::RecordStatus::dns_error:
    case probe::RecordStatus::not_evaluated: return Tone::note;
    case probe::RecordStatus::invalid:
    case probe::RecordStatus::missing:
    case probe::RecordStatus::multiple:
    case probe::RecordStatus::misplaced: return Tone::bad;
  }
  return Tone::bad;
}

Tone tone_of(probe::PolicyStatus status) {
  switch (status) {
    case probe::PolicyStatus::valid: return Tone::good;
    case probe::PolicyStatus::not_evaluated: return Tone::note;
    case probe::PolicyStatus::invalid:
    case probe::PolicyStatus::certificate_invalid:
    case probe::PolicyStatus::unreachable:
    case probe::PolicyStatus::none: return Tone::bad;
  }
  return Tone::bad;
}

std::string certificate_summary(const net::TlsFacts& tls, bool color) {
  const auto& cert = tls.certificate;
  const std::string date = cert.not_after > 0 ? utc_date(cert.not_after) : "?";
  const std::string expiry =
      (cert.not_after > 0 && cert.not_after < std::time(nullptr) ? ", expired " : ", expires ") +
      date;
  if (cert.verified) return paint(color, Tone::good, "certificate ok") + expiry;
  std::vector<std::string> problems;
  for (auto p : cert.problems) problems.emplace_back(net::to_string(p));
  return paint(color, Tone::bad, fmt::format("certificate {}", fmt::join(problems, ", "))) + expiry;
}

}  // namespace

void print_report(std::ostream& out, const probe::DomainReport& r, bool color) {
  std::string verdict(probe::to_string(r.verdict));
  for (char& c : verdict) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  out << paint(color, Tone::plain, display_name(r.domain)) << ": "
      << paint(color, tone_of(r.verdict), verdict) << '\n';

  out << "  records\n";
  out << fmt::format("    {:<32} ", r.sts.name)
      << paint(color, tone_of(r.sts_status), probe::to_string(r.sts_status));
  if (r.sts_record.id) out << "  id=" << printable(*r.sts_record.id);
  out << '\n';
  out << fmt::format("    {:<32} ", r.tlsrpt.name)
      << paint(color, tone_of(r.tlsrpt_status), probe::to_string(r.tlsrpt_status));
  for (const auto& rua : r.tlsrpt_record.rua) out << "  " << printable(rua);
  out << '\n';

  const auto& p = r.policy;
  out << "  policy https://" << p.host << "/.well-known/mta-sts.txt  "
      << paint(color, tone_of(r.policy_status), probe::to_string(r.policy_status)) << '\n';
  if (p.fetches.empty() && r.policy_status != probe::PolicyStatus::none)
    out << "    (no address)\n";
  for (const auto& f : p.fetches) {
    out << fmt::format("    {:<24} ", f.endpoint.address().to_string());
    if (f.response) {
      out << f.response->status << ' '
          << printable(std::string(f.response->header("content-type").value_or("-")), 40);
    } else {
      out << paint(color, Tone::bad, std::string(net::to_string(f.error)));
    }
    if (f.tls && !f.tls->version.empty()) out << "  " << f.tls->version;
    if (f.tls && f.tls->has_certificate) out << "  " << certificate_summary(*f.tls, color);
    if (f.error != net::FetchError::none && f.response) {
      out << "  " << paint(color, Tone::bad, std::string(net::to_string(f.error)));
    }
    out << '\n';
  }
  if (p.parsed) {
    const auto& policy = *p.parsed;
    out << "    mode " << (policy.mode ? to_string(*policy.mode) : "?") << ", max_age "
        << (policy.max_age ? std::to_string(*policy.max_age) : "?") << ", mx "
        << (policy.mx.empty() ? std::string("(none)")
                              : fmt::format("{}", fmt::join(policy.mx, ", ")))
        << '\n';
  }

  out << "  mx";
  if (r.null_mx) out << "  Null MX (accepts no mail)";
  if (!r.mx_probed) out << "  (not probed: --no-mx)";
  out << '\n';
  for (const auto& host : r.mx) {
    out << fmt::format("    {:>3} {}", host.preference, host.host);
    if (host.implicit) out << "  (implicit: no MX records)";
    if (p.parsed && p.parsed->valid) {
      out << "  "
          << (host.policy_match ? paint(color, Tone::good, "covered by " + *host.policy_match)
                                : paint(color, Tone::bad, "NOT covered by the policy"));
    }
    out << '\n';
    if (host.dane) {
      // What DANE senders see of the host: DNSSEC of its TLSA records and how many are usable.
      const auto& d = *host.dane;
      const auto usable = dane::count_usable(d.tlsa);
      std::string line;
      if (!d.error.empty()) {
        line = paint(color, Tone::bad, "DANE unknown: " + printable(d.error));
      } else if (d.tlsa.empty()) {
        line = fmt::format("DANE: no TLSA records (addresses {})",
                           dane::to_string(d.address_security));
      } else {
        line = fmt::format("DANE: {} TLSA records ({} usable), {}{}", d.tlsa.size(), usable,
                           dane::to_string(d.tlsa_security),
                           probe::dane_applies(r, host) ? ", applies" : ", ignored by senders");
      }
      if (!d.canonical_host.empty()) line += " (CNAME to " + printable(d.canonical_host) + ")";
      out << "        " << line << '\n';
    }
    if (host.lookup.addresses.empty() && r.mx_probed) out << "        (no address)\n";
    for (const auto& probe : host.probes) {
      out << fmt::format("        {:<24} ", probe.endpoint.address().to_string());
      if (probe.error == net::SmtpError::none) {
        out << paint(color, Tone::good, "STARTTLS");
      } else {
        out << paint(color, Tone::bad, std::string(net::to_string(probe.error)));
      }
      if (probe.tls && !probe.tls->version.empty()) out << "  " << probe.tls->version;
      if (probe.tls && probe.tls->has_certificate)
        out << "  " << certificate_summary(*probe.tls, color);
      if (probe.dane) {
        out << "  "
            << (probe.dane->matched ? paint(color, Tone::good, "DANE match")
                                    : paint(color, Tone::bad, "DANE: no TLSA match"));
      }
      out << '\n';
    }
  }
  if (r.dnssec) {
    out << "  dnssec  MX records " << dane::to_string(r.dnssec->mx_security);
    if (!r.dnssec->error.empty()) out << " (lookup failed: " << printable(r.dnssec->error) << ")";
    out << '\n';
  }
  // Which policy each kind of sender applies, and whether it would deliver.
  if (const auto outlook = probe::sender_outlook(r)) {
    const auto line = [&](std::string_view kind, const probe::SenderView& view) {
      const auto policy = view.policy ? probe::to_string(*view.policy) : "unknown";
      const auto tone = view.delivers == probe::Delivery::yes  ? Tone::good
                        : view.delivers == probe::Delivery::no ? Tone::bad
                                                               : Tone::note;
      out << fmt::format("  senders {:<8} policy {:<8} ", kind, policy)
          << paint(color, tone, "delivers " + std::string(probe::to_string(view.delivers))) << ": "
          << printable(view.why) << '\n';
    };
    line("MTA-STS", outlook->mta_sts);
    if (outlook->dane) line("DANE", *outlook->dane);
  }
  print_findings(out, r.findings, color);
  out << fmt::format("checked in {:.2f} s\n", r.seconds);
}

}  // namespace mtasts::report
