/// @file
/// @brief Everything one check of a domain found (README, "`check`": `--json`): the facts from DNS,
/// the policy fetch and the MX probes, then the findings and the verdict computed from them.
/// An immutable snapshot once built; the CLI prints it, the daemon will publish it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/heap_optional.hpp"
#include "dane/dnssec_status.hpp"
#include "dane/tlsa_record.hpp"
#include "dns/answer.hpp"
#include "dns/dns_error.hpp"
#include "mtasts/finding.hpp"
#include "mtasts/policy.hpp"
#include "mtasts/sts_record.hpp"
#include "mtasts/tlsrpt_record.hpp"
#include "mtasts/tlsrpt_report.hpp"
#include "net/policy_fetch_facts.hpp"
#include "net/smtp_probe_facts.hpp"
#include "probe/port25_egress.hpp"

namespace mtasts::probe {

enum class Verdict : std::uint8_t { ok, warning, fail, unknown };
std::string_view to_string(Verdict verdict) noexcept;

/// What evaluate() concluded about a TXT record (_mta-sts, _smtp._tls); `misplaced` is for
/// _mta-sts only. not_evaluated (before evaluate) is written as "".
enum class RecordStatus : std::uint8_t {
  not_evaluated,
  valid,
  invalid,
  missing,
  multiple,
  misplaced,
  dns_error,
};
/// What evaluate() concluded about the policy; not_evaluated is written as "".
enum class PolicyStatus : std::uint8_t {
  not_evaluated,
  valid,
  invalid,
  certificate_invalid,  ///< served, but with a certificate senders do not accept (§3.3)
  unreachable,
  none,  ///< no record where senders look, so no policy is looked for
};
std::string_view to_string(RecordStatus status) noexcept;
std::string_view to_string(PolicyStatus status) noexcept;
/// The status written as `name` (JSON, the state database); nullopt for any other text.
std::optional<RecordStatus> record_status_from_name(std::string_view name) noexcept;
std::optional<PolicyStatus> policy_status_from_name(std::string_view name) noexcept;

/// A TXT lookup: the records found, or why there are none.
struct TxtLookupFacts {
  std::string name;
  dns::DnsFailure failure = dns::DnsFailure::none;  ///< none, or why the lookup failed
  std::string error;                                ///< the resolver's message
  std::vector<std::string> records;
  std::vector<std::string> cname_chain;
};

struct AddressLookupFacts {
  /// A family the configuration leaves out (ip_families) is not looked up at all.
  bool v4_asked = true;
  bool v6_asked = true;
  dns::DnsFailure v4_failure = dns::DnsFailure::none;
  dns::DnsFailure v6_failure = dns::DnsFailure::none;
  std::vector<asio::ip::address> addresses;  ///< IPv4 first, then IPv6
  /// Addresses not probed because they are private (deny_private_addresses).
  std::vector<asio::ip::address> refused{};
};

struct PolicyFacts {
  std::string host;  ///< "mta-sts.<domain>"
  AddressLookupFacts lookup;
  std::vector<net::PolicyFetch> fetches;  ///< one per address tried
  std::optional<Policy> parsed;           ///< from the first 200 answer
  std::string body_sha256;
};

/// What DNSSEC-validated lookups found for one MX host (RFC 7672 §2.2); absent when DANE is
/// not checked.
struct DaneHostFacts {
  dane::Security address_security = dane::Security::insecure;  ///< of its A/AAAA records
  /// What the host's name expands to through a DNSSEC-secure CNAME chain (RFC 7672 §2.2.2);
  /// empty when it is no CNAME or the chain is not secure.
  std::string canonical_host = {};
  /// The TLSA RRset is the CNAME target's (_25._tcp.<canonical_host>), not the host's own.
  bool tlsa_at_canonical = false;
  dane::Security tlsa_security = dane::Security::insecure;
  std::string error;      ///< a lookup failed (timeout, SERVFAIL): why; the rest is unknown
  std::string why_bogus;  ///< the validator's explanation of a bogus answer
  std::vector<dane::TlsaRecord> tlsa;  ///< the TLSA RRset, usable or not

  /// Senders that do DANE use it for this host: its addresses and a non-empty TLSA RRset are
  /// DNSSEC-secure (RFC 7672 §2.2).
  bool applies() const {
    return error.empty() && address_security == dane::Security::secure &&
           tlsa_security == dane::Security::secure && !tlsa.empty();
  }
  /// Where the TLSA RRset was looked up: "_25._tcp.<host>", or of the CNAME target.
  std::string tlsa_name(std::string_view host) const;

  bool operator==(const DaneHostFacts&) const = default;
};

/// Immutable once looked up, and shared: by the domains whose checks share an MX host, and
/// (share()) by every host of an unsigned zone, whose facts are all the same.
using SharedDaneHostFacts = std::shared_ptr<const DaneHostFacts>;
SharedDaneHostFacts share(DaneHostFacts facts);

/// The domain's DNSSEC as DANE senders see it: the validated MX lookup.
struct DnssecFacts {
  dane::Security mx_security = dane::Security::insecure;
  std::string error = {};  ///< the validated MX lookup failed: why
  std::string why_bogus = {};

  bool operator==(const DnssecFacts&) const = default;
};

/// As SharedDaneHostFacts: the facts of every domain in an unsigned zone are one object.
using SharedDnssecFacts = std::shared_ptr<const DnssecFacts>;
SharedDnssecFacts share(DnssecFacts facts);

struct MxHostFacts {
  std::string host;
  std::uint16_t preference = 0;
  bool implicit = false;  ///< no MX records: the domain itself (RFC 5321 §5.1)
  AddressLookupFacts lookup;
  std::vector<net::SmtpProbe> probes;       ///< one per address
  std::optional<std::string> policy_match;  ///< the first pattern that covers the host
  SharedDaneHostFacts dane;                 ///< when DANE is checked
};

struct DomainReport {
  std::string domain;
  Verdict verdict = Verdict::unknown;
  std::vector<Finding> findings;

  TxtLookupFacts sts;
  std::vector<TxtLookupFacts> misplaced_lookups;  ///< mta-sts.<d> and the apex, when needed
  TxtLookupFacts tlsrpt;
  dns::DnsFailure mx_failure = dns::DnsFailure::none;
  std::string mx_error;
  bool null_mx = false;
  std::vector<MxHostFacts> mx;
  bool mx_probed = true;  ///< false with --no-mx
  /// The agent's outbound port 25 when the check ended (from every domain's probes and the
  /// canaries): decides whether unreachable MX hosts are the domain's fault.
  Port25Egress port25_egress = Port25Egress::unproven;
  PolicyFacts policy;
  /// DNSSEC of the MX lookup, when DANE is checked (the MX hosts' own are in mx[].dane).
  SharedDnssecFacts dnssec;
  /// DANE was to be checked but the agent's validation does not work (see
  /// DnssecResolver::anchor_problem): why. Then nothing of DANE is looked up or judged.
  std::string dane_unavailable;
  /// What senders reported in TLS-RPT reports of the last days (the daemon's report store);
  /// none in `check` and where no report came.
  HeapOptional<tlsrpt::RecentReports> sender_reports;

  // What evaluate() concluded from the facts above.
  RecordStatus sts_status = RecordStatus::not_evaluated;
  StsRecord sts_record;  ///< the parsed record (id) when there is one
  RecordStatus tlsrpt_status = RecordStatus::not_evaluated;
  TlsRptRecord tlsrpt_record;
  PolicyStatus policy_status = PolicyStatus::not_evaluated;

  std::chrono::system_clock::time_point started;
  double seconds = 0;
};

}  // namespace mtasts::probe
