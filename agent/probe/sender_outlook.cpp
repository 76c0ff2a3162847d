#include "probe/sender_outlook.hpp"

#include <fmt/format.h>

#include "dane/tlsa_record.hpp"

namespace mtasts::probe {
namespace {

/// The session got past the greeting: a sender that needs no TLS would deliver here.
bool accepts_mail(const net::SmtpProbe& p) {
  return p.stage > net::SmtpStage::banner && p.error != net::SmtpError::banner_rejected &&
         p.error != net::SmtpError::ehlo_rejected && p.error != net::SmtpError::local_resources;
}

/// STARTTLS and the handshake completed.
bool encrypts(const net::SmtpProbe& p) {
  return p.tls && p.tls->has_certificate &&
         (p.stage == net::SmtpStage::quit || p.stage == net::SmtpStage::done);
}

/// The probe says nothing of the host: the agent ran out of resources.
bool inconclusive(const net::SmtpProbe& p) {
  return p.error == net::SmtpError::local_resources;
}

/// The host's delivery when some address passes `ok`: yes; none passes and one probe said
/// nothing: unknown; else no. A host whose address lookup failed is unknown.
template <class Ok>
Delivery host_delivery(const MxHostFacts& host, Ok ok) {
  bool unknown = false;
  for (const auto& probe : host.probes) {
    if (ok(probe)) return Delivery::yes;
    unknown = unknown || inconclusive(probe);
  }
  const auto failed = [](dns::DnsFailure f) {
    return f != dns::DnsFailure::none && !dns::is_absent(f);
  };
  if (host.probes.empty() && (failed(host.lookup.v4_failure) || failed(host.lookup.v6_failure))) {
    unknown = true;
  }
  return unknown ? Delivery::unknown : Delivery::no;
}

/// Any host that delivers decides; else any unknown; else no.
Delivery combine(Delivery so_far, Delivery host) {
  if (so_far == Delivery::yes || host == Delivery::yes) return Delivery::yes;
  if (so_far == Delivery::unknown || host == Delivery::unknown) return Delivery::unknown;
  return Delivery::no;
}

/// Why no MX result can say whether anything would deliver, or "".
std::string probes_silent(const DomainReport& r) {
  if (!r.mx_probed) return "MX hosts are not probed (probe_mx: false)";
  if (r.port25_egress == Port25Egress::blocked) return "the agent's outbound port 25 is blocked";
  return "";
}

SenderView mta_sts_view(const DomainReport& r) {
  SenderView view;
  const bool policy_usable =
      r.policy_status == PolicyStatus::valid && r.policy.parsed && r.policy.parsed->mode;
  const Mode mode = policy_usable ? *r.policy.parsed->mode : Mode::none;
  view.policy = mode == Mode::enforce   ? SenderPolicy::enforce
                : mode == Mode::testing ? SenderPolicy::testing
                                        : SenderPolicy::none;
  if (auto silent = probes_silent(r); !silent.empty()) {
    view.why = silent;
    return view;
  }
  Delivery delivers = Delivery::no;
  for (const auto& host : r.mx) {
    if (mode == Mode::enforce) {
      // RFC 8461 §4: only MX hosts the policy names, with a certificate senders trust.
      if (!host.policy_match) continue;
      delivers = combine(delivers, host_delivery(host, [](const net::SmtpProbe& p) {
                           return encrypts(p) && p.tls->certificate.verified;
                         }));
    } else {
      delivers = combine(delivers, host_delivery(host, accepts_mail));
    }
  }
  view.delivers = delivers;
  if (mode == Mode::enforce) {
    view.why = delivers == Delivery::yes
                   ? "an MX host the policy names offers STARTTLS with a certificate senders trust"
               : delivers == Delivery::no
                   ? "no MX host the policy names offers STARTTLS with a certificate senders "
                     "trust: MTA-STS senders defer mail"
                   : "no MX host the policy names was seen to work; some could not be probed";
  } else {
    view.why = delivers == Delivery::yes  ? "an MX host accepts mail (TLS is not required)"
               : delivers == Delivery::no ? "no MX host accepts mail"
                                          : "no MX host was seen to accept mail; some could not "
                                            "be probed";
  }
  if (!policy_usable && r.sts_status == RecordStatus::valid) {
    view.why += "; no policy could be fetched, senders that cached one keep applying it";
  }
  return view;
}

SenderView dane_view(const DomainReport& r) {
  SenderView view;
  const auto& dnssec = *r.dnssec;
  if (!dnssec.error.empty()) {
    view.why = "the DNSSEC-validated MX lookup failed";
    return view;
  }
  if (dnssec.mx_security == dane::Security::bogus) {
    view.delivers = Delivery::no;
    view.why = "the MX records fail DNSSEC validation: DANE senders defer mail";
    return view;
  }
  bool any_dane = false;
  bool lookup_failed = false;
  for (const auto& host : r.mx) {
    any_dane = any_dane || dane_applies(r, host);
    lookup_failed = lookup_failed || (host.dane && !host.dane->error.empty());
  }
  if (!any_dane && lookup_failed) {
    view.why = "a DNSSEC-validated lookup of an MX host failed";
    return view;
  }
  view.policy = any_dane ? SenderPolicy::dane : SenderPolicy::none;
  if (auto silent = probes_silent(r); !silent.empty()) {
    view.why = silent;
    return view;
  }
  Delivery delivers = Delivery::no;
  for (const auto& host : r.mx) {
    if (host.dane && !host.dane->error.empty()) {
      delivers = combine(delivers, Delivery::unknown);
    } else if (host.dane && (host.dane->address_security == dane::Security::bogus ||
                             host.dane->tlsa_security == dane::Security::bogus)) {
      continue;  // RFC 7672 §2.1.1: bogus records make the host unusable
    } else if (dane_applies(r, host)) {
      // RFC 7672 §2.2: usable records must match; with none usable, TLS is still required.
      const bool usable = dane::count_usable(host.dane->tlsa) > 0;
      delivers = combine(delivers, host_delivery(host, [usable](const net::SmtpProbe& p) {
                           return encrypts(p) && (!usable || (p.dane && p.dane->matched));
                         }));
    } else {
      delivers = combine(delivers, host_delivery(host, accepts_mail));
    }
  }
  view.delivers = delivers;
  if (!any_dane) {
    view.why = delivers == Delivery::yes ? "no MX host has DNSSEC-secure TLSA records; one "
                                           "accepts mail (TLS is not required)"
               : delivers == Delivery::no
                   ? "no MX host has DNSSEC-secure TLSA records, and none accepts mail"
                   : "no MX host has DNSSEC-secure TLSA records; none was seen to accept mail";
  } else {
    view.why = delivers == Delivery::yes
                   ? "an MX host presents a certificate its TLSA records match"
               : delivers == Delivery::no
                   ? "no MX host presents a certificate its TLSA records match: DANE senders "
                     "defer mail"
                   : "no MX host was seen to match its TLSA records; some could not be probed";
  }
  return view;
}

}  // namespace

std::string_view to_string(SenderPolicy policy) noexcept {
  switch (policy) {
    case SenderPolicy::dane: return "dane";
    case SenderPolicy::enforce: return "enforce";
    case SenderPolicy::testing: return "testing";
    case SenderPolicy::none: return "none";
  }
  return "none";
}

std::string_view to_string(Delivery delivery) noexcept {
  switch (delivery) {
    case Delivery::yes: return "yes";
    case Delivery::no: return "no";
    case Delivery::unknown: return "unknown";
  }
  return "unknown";
}

bool dane_applies(const DomainReport& report, const MxHostFacts& host) {
  // RFC 7672 §2.2.1: senders may use DANE with MX hosts from an insecure MX RRset (a
  // provider's signed zone serves unsigned customer domains); a bogus one gives no hosts.
  const bool mx_bogus = report.dnssec && report.dnssec->error.empty() &&
                        report.dnssec->mx_security == dane::Security::bogus;
  return !mx_bogus && host.dane && host.dane->applies();
}

std::optional<SenderOutlook> sender_outlook(const DomainReport& report) {
  if (report.null_mx) return std::nullopt;
  if (report.mx_failure != dns::DnsFailure::none && !dns::is_absent(report.mx_failure)) {
    return std::nullopt;
  }
  SenderOutlook outlook;
  outlook.mta_sts = mta_sts_view(report);
  if (report.dnssec) outlook.dane = dane_view(report);
  return outlook;
}

}  // namespace mtasts::probe
