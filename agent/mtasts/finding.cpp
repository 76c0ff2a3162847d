#include "mtasts/finding.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace mtasts {
namespace {

using enum FindingCode;
using enum Severity;
using enum SeverityRule;
using enum VerdictEffect;

// clang-format off
constexpr std::array kCatalogue = {
  FindingSpec{sts_record_missing, "sts_record_missing", error, fixed, "RFC 8461 §3.1",
              "no TXT record beginning with v=STSv1 at _mta-sts.<domain>: senders see no MTA-STS policy",
              "Publish TXT \"v=STSv1; id=<date>;\" at _mta-sts.<domain> (with the underscore), after the policy is online."},
  FindingSpec{sts_record_invalid, "sts_record_invalid", error, fixed, "RFC 8461 §3.1",
              "the _mta-sts TXT record does not follow the RFC's syntax: senders ignore it",
              "Write exactly \"v=STSv1; id=<1 to 32 letters and digits>;\": no dashes or dots in the id, nothing before v=."},
  FindingSpec{sts_record_multiple, "sts_record_multiple", error, fixed, "RFC 8461 §3.1",
              "more than one v=STSv1 TXT record: senders must assume there is no policy",
              "Delete all but one v=STSv1 record at _mta-sts.<domain>; a new id replaces the old record, it is not added."},
  FindingSpec{sts_record_misplaced, "sts_record_misplaced", error, fixed, "RFC 8461 §3.1",
              "a v=STSv1 record is published at the wrong name (mta-sts.<domain> or the apex) instead of _mta-sts.<domain>",
              "Move the record to _mta-sts.<domain>: the name starts with an underscore, and mta-sts.<domain> is the web host."},
  FindingSpec{sts_record_dns_error, "sts_record_dns_error", warning, fixed, "RFC 8461 §3.1",
              "the _mta-sts lookup failed (timeout, SERVFAIL): whether a record exists is unknown",
              "Check the domain's name servers (delegation, DNSSEC); the next check tells whether the record exists.", makes_unknown},
  FindingSpec{sts_record_unknown_field, "sts_record_unknown_field", info, fixed, "RFC 8461 §3.1",
              "the record has a field senders do not know; they ignore it",
              "Nothing to do if intended; field names are case-sensitive (id, not ID)."},
  FindingSpec{sts_record_duplicate_field, "sts_record_duplicate_field", warning, fixed, "RFC 8461 §3.2",
              "a field appears more than once; senders use the first",
              "Keep one of each field; senders use the first."},

  FindingSpec{policy_host_unresolvable, "policy_host_unresolvable", error, fixed, "RFC 8461 §3.3",
              "mta-sts.<domain> has no address: senders cannot fetch the policy",
              "Add A (and AAAA) records for mta-sts.<domain> pointing at the web server that serves the policy."},
  FindingSpec{policy_connect_failed, "policy_connect_failed", error, fixed, "RFC 8461 §3.3",
              "no TCP connection to the policy host on port 443",
              "Make the web server listen on port 443 of every address of mta-sts.<domain>, or remove the address from DNS."},
  FindingSpec{policy_timeout, "policy_timeout", error, fixed, "RFC 8461 §3.3",
              "the policy fetch did not finish in time",
              "The policy host accepts but does not answer in time: check the web server, proxy or firewall in front of it."},
  FindingSpec{policy_tls_failed, "policy_tls_failed", error, fixed, "RFC 8461 §3.3",
              "the TLS handshake with the policy host failed",
              "Serve HTTPS with TLS 1.2 or later and a certificate on mta-sts.<domain> (not plain HTTP on 443)."},
  FindingSpec{policy_cert_untrusted, "policy_cert_untrusted", error, fixed, "RFC 8461 §3.3",
              "the policy host's certificate does not chain to a trusted root",
              "Use a certificate from a public CA and serve the intermediate certificates with it (the full chain)."},
  FindingSpec{policy_cert_name_mismatch, "policy_cert_name_mismatch", error, fixed, "RFC 8461 §3.3",
              "the policy host's certificate is not valid for mta-sts.<domain>",
              "Get a certificate that names mta-sts.<domain> (add it to the SANs; a *.<domain> wildcard also covers it)."},
  FindingSpec{policy_cert_expired, "policy_cert_expired", error, fixed, "RFC 8461 §3.3",
              "the policy host's certificate has expired",
              "Renew the certificate of mta-sts.<domain> and check why automatic renewal stopped."},
  FindingSpec{policy_cert_expiring, "policy_cert_expiring", warning, fixed, "RFC 8461 §3.3",
              "the policy host's certificate expires soon",
              "Renew the certificate soon, or check that automatic renewal runs for mta-sts.<domain>."},
  FindingSpec{policy_http_status, "policy_http_status", error, fixed, "RFC 8461 §3.3",
              "the policy URL did not answer 200 OK",
              "Serve /.well-known/mta-sts.txt with 200: check the web root, and proxies or WAFs that block the path or senders."},
  FindingSpec{policy_redirect, "policy_redirect", error, fixed, "RFC 8461 §3.3",
              "the policy URL answered with a redirect, which senders must not follow",
              "Serve the policy directly at https://mta-sts.<domain>/.well-known/mta-sts.txt; senders never follow redirects."},
  FindingSpec{policy_content_type, "policy_content_type", error, fixed, "RFC 8461 §3.2",
              "the policy is not served as text/plain; several senders reject it",
              "Serve mta-sts.txt as text/plain (for nginx: types { text/plain txt; })."},
  FindingSpec{policy_too_large, "policy_too_large", error, fixed, "RFC 8461 §3.3",
              "the policy is larger than 64 KiB, the size senders are expected to accept",
              "A policy is a few lines; serve the policy file itself, not a page or a large file."},
  FindingSpec{policy_ipv4_only, "policy_ipv4_only", warning, fixed, "RFC 8461 §3.3",
              "the policy is reachable over IPv4 only",
              "Make the policy reachable over IPv6 too, or remove the AAAA record of mta-sts.<domain>."},
  FindingSpec{policy_ipv6_only, "policy_ipv6_only", warning, fixed, "RFC 8461 §3.3",
              "the policy is reachable over IPv6 only",
              "Add an IPv4 address (A record) for mta-sts.<domain>; most senders reach it over IPv4 only."},
  FindingSpec{policy_family_mismatch, "policy_family_mismatch", warning, fixed, "RFC 8461 §3.3",
              "IPv4 and IPv6 serve different results for the policy",
              "Serve the same policy on every address: IPv4 and IPv6 reach different servers or configurations."},

  FindingSpec{policy_syntax, "policy_syntax", error, fixed, "RFC 8461 §3.2",
              "a line of the policy does not follow the RFC's syntax: senders reject the policy",
              "Write one \"name: value\" per line, no spaces before ':', no byte order mark."},
  FindingSpec{policy_version, "policy_version", error, fixed, "RFC 8461 §3.2",
              "the policy's version field is missing or is not STSv1",
              "Start the policy with the line \"version: STSv1\"."},
  FindingSpec{policy_mode_invalid, "policy_mode_invalid", error, fixed, "RFC 8461 §3.2",
              "the policy's mode field is missing or is not enforce, testing or none",
              "Write \"mode: enforce\", \"mode: testing\" or \"mode: none\" (lower case)."},
  FindingSpec{policy_mode_testing, "policy_mode_testing", info, fixed, "RFC 8461 §5",
              "the policy is in testing mode: failures are reported but mail is still delivered without TLS",
              "When the TLS reports show no failures, switch to mode: enforce and publish a new id."},
  FindingSpec{policy_mode_none, "policy_mode_none", warning, fixed, "RFC 8461 §5",
              "the policy is in mode none: MTA-STS gives no protection",
              "Nothing to do while retiring MTA-STS; otherwise use testing or enforce."},
  FindingSpec{policy_max_age_invalid, "policy_max_age_invalid", error, fixed, "RFC 8461 §3.2",
              "the policy's max_age is missing, not a number, or above 31557600",
              "Write max_age as plain seconds, at most 31557600 (one year), e.g. max_age: 1209600."},
  FindingSpec{policy_max_age_short, "policy_max_age_short", warning, advisory, "RFC 8461 §3.2",
              "max_age is shorter than a week; the RFC expects weeks or more (a warning under one day, advice from one day up)",
              "Raise max_age to a week or more (604800 to 31557600) once the policy is stable."},
  FindingSpec{policy_mx_missing, "policy_mx_missing", error, fixed, "RFC 8461 §3.2",
              "the policy has no mx field, which is required unless the mode is none",
              "List every MX host with its own line: mx: mail.<domain> (or mx: *.<domain>)."},
  FindingSpec{policy_mx_invalid, "policy_mx_invalid", error, fixed, "RFC 8461 §3.2",
              "an mx value is not a host name or a *. wildcard pattern",
              "Use host names only, without a trailing dot, IP addresses or '*' other than a leading \"*.\"."},
  FindingSpec{policy_duplicate_field, "policy_duplicate_field", warning, fixed, "RFC 8461 §3.2",
              "a field other than mx appears more than once; the RFC says the first wins, but senders disagree",
              "Keep one line per field (only mx may repeat)."},
  FindingSpec{policy_unknown_field, "policy_unknown_field", info, fixed, "RFC 8461 §3.2",
              "the policy has a field senders do not know; they ignore it",
              "Nothing to do if intended; field names are case-sensitive (mode, not Mode)."},
  FindingSpec{policy_lf_line_endings, "policy_lf_line_endings", info, fixed, "RFC 8461 §3.2",
              "the policy ends lines with LF, not CRLF; the ABNF allows it (erratum 6253) and senders accept it",
              "Nothing to do: senders accept LF. CRLF is what the RFC's prose asks for."},
  FindingSpec{policy_empty_line, "policy_empty_line", warning, fixed, "RFC 8461 §3.2",
              "the policy has an empty line, which its grammar does not allow; strict senders reject it",
              "Remove empty lines from the policy."},

  FindingSpec{mx_not_covered, "mx_not_covered", error, delivery, "RFC 8461 §4.1",
              "an MX host matches none of the policy's mx patterns",
              "Add an mx line for this host (or a *. pattern covering it), publish a new id, or fix the MX record."},
  FindingSpec{policy_mx_unused, "policy_mx_unused", info, fixed, "RFC 8461 §4.1",
              "an mx pattern of the policy matches none of the domain's MX hosts",
              "Remove patterns that no longer name an MX host; a broad pattern lets any host with a certificate be an MX."},
  FindingSpec{policy_changed_without_id_change, "policy_changed_without_id_change", warning, fixed, "RFC 8461 §8.1",
              "the policy changed but the TXT record's id did not: senders keep the old policy",
              "Publish a new id in the TXT record whenever the policy changes, or senders keep the old one."},
  FindingSpec{id_changed_policy_unchanged, "id_changed_policy_unchanged", info, fixed, "RFC 8461 §8.1",
              "the TXT record's id changed but the policy did not",
              "Nothing breaks; change the id only when the policy changes."},

  FindingSpec{mx_none, "mx_none", warning, fixed, "RFC 7505",
              "the domain has no MX records (implicit MX) or a Null MX",
              "Nothing to do if the domain takes no mail; otherwise publish MX records."},
  FindingSpec{mx_unresolvable, "mx_unresolvable", warning, fixed, "RFC 5321 §5.1",
              "an MX host has no address",
              "Give the MX host an A (and AAAA) record, or remove it from the MX records."},
  FindingSpec{mx_connect_failed, "mx_connect_failed", warning, reachability, "RFC 5321 §5.1",
              "no SMTP session with an MX host on port 25 (refused, unreachable or no greeting): an error when no MX host of the domain answers, as mail then has no path",
              "Make the MX host accept connections on port 25 from the internet, or remove it from the MX records."},
  FindingSpec{mx_timeout, "mx_timeout", warning, reachability, "RFC 5321 §4.5.3.2",
              "an MX host did not complete the SMTP dialogue in time: an error when it never greeted and no MX host of the domain answers",
              "The MX host is slow or stops answering during the SMTP dialogue: check the server and anything in front of it."},
  FindingSpec{mx_starttls_missing, "mx_starttls_missing", error, delivery, "RFC 8461 §4",
              "an MX host does not offer STARTTLS",
              "Enable STARTTLS on this MX (for Postfix: smtpd_tls_security_level = may, with a certificate)."},
  FindingSpec{mx_tls_failed, "mx_tls_failed", error, delivery, "RFC 8461 §4.2",
              "the TLS handshake with an MX host failed",
              "Check the MX's TLS configuration: a certificate and key that match, TLS 1.2 or later, common ciphers."},
  FindingSpec{mx_tls_version_old, "mx_tls_version_old", error, delivery, "RFC 8461 §7.2",
              "an MX host negotiates a TLS version below 1.2",
              "Enable TLS 1.2 and 1.3 on the MX; senders refuse TLS 1.0 and 1.1."},
  FindingSpec{mx_cert_untrusted, "mx_cert_untrusted", error, delivery, "RFC 8461 §4.2",
              "an MX host's certificate does not chain to a trusted root",
              "Use a certificate from a public CA on the MX and serve the full chain (intermediate certificates)."},
  FindingSpec{mx_cert_name_mismatch, "mx_cert_name_mismatch", error, delivery, "RFC 8461 §4.2",
              "an MX host's certificate is not valid for the MX host name",
              "Get a certificate that names the MX host exactly as the MX record does."},
  FindingSpec{mx_cert_expired, "mx_cert_expired", error, delivery, "RFC 8461 §4.2",
              "an MX host's certificate has expired",
              "Renew the MX certificate and make the mail server load it (reload after renewal)."},
  FindingSpec{mx_cert_expiring, "mx_cert_expiring", warning, fixed, "RFC 8461 §4.2",
              "an MX host's certificate expires soon",
              "Renew the MX certificate soon, and check that renewal also reloads the mail server."},
  FindingSpec{port25_blocked, "port25_blocked", warning, fixed, "RFC 8461 §4",
              "the agent's outbound port 25 is blocked or not yet proven to work: the MX results are unknown",
              "Run the agent where outbound port 25 is open, configure egress canaries, or use --no-mx; this is not the domain's fault.", makes_unknown},

  FindingSpec{tlsrpt_missing, "tlsrpt_missing", warning, fixed, "RFC 8460 §3",
              "no TXT record beginning with v=TLSRPTv1 at _smtp._tls.<domain>: nobody receives TLS failure reports",
              "Publish TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@<domain>\" at _smtp._tls.<domain> to receive failure reports."},
  FindingSpec{tlsrpt_invalid, "tlsrpt_invalid", warning, fixed, "RFC 8460 §3",
              "the TLS-RPT record does not follow the RFC's syntax: senders send no reports (mail still arrives)",
              "Write exactly \"v=TLSRPTv1; rua=mailto:<address>\" (version first, a rua field)."},
  FindingSpec{tlsrpt_multiple, "tlsrpt_multiple", warning, fixed, "RFC 8460 §3",
              "more than one v=TLSRPTv1 TXT record: senders must assume there is no TLS-RPT and send no reports",
              "Merge the records into one v=TLSRPTv1 record with all destinations in rua, comma-separated."},
  FindingSpec{tlsrpt_rua_invalid, "tlsrpt_rua_invalid", warning, fixed, "RFC 8460 §3",
              "a rua destination is not a usable mailto: or https: URI: reports to it are lost",
              "Give each destination as mailto:<address> or https://<host>/<path>, with !, ',' and ; percent-encoded."},
  FindingSpec{tlsrpt_unknown_field, "tlsrpt_unknown_field", info, fixed, "RFC 8460 §3",
              "the TLS-RPT record has a field senders do not know; they ignore it",
              "Nothing to do if intended; field names are case-sensitive."},
  FindingSpec{tlsrpt_duplicate_field, "tlsrpt_duplicate_field", warning, fixed, "RFC 8460 §3",
              "a field of the TLS-RPT record appears more than once",
              "Keep one rua field and list every destination in it, comma-separated."},

  FindingSpec{tlsrpt_dns_error, "tlsrpt_dns_error", warning, fixed, "RFC 8460 §3",
              "the _smtp._tls lookup failed (timeout, SERVFAIL): whether a record exists is unknown",
              "Check the domain's name servers; the next check tells whether the record exists.", makes_unknown},
  FindingSpec{mx_dns_error, "mx_dns_error", warning, fixed, "RFC 5321 §5.1",
              "the MX lookup failed (timeout, SERVFAIL): the MX hosts are unknown",
              "Check the domain's name servers; the next check tells which MX hosts there are.", makes_unknown},
  FindingSpec{address_private_refused, "address_private_refused", error, fixed, "RFC 6890",
              "a policy or MX host resolves to a loopback, private, link-local or ULA address",
              "Publish public addresses: senders on the Internet cannot reach these (the agent refuses them under deny_private_addresses)."},
  FindingSpec{policy_host_dns_error, "policy_host_dns_error", warning, fixed, "RFC 8461 §3.3",
              "the address lookup of the policy host failed (timeout, SERVFAIL): whether it resolves is unknown",
              "Check the name servers of mta-sts.<domain>; the next check tells whether it resolves.", makes_unknown},
  FindingSpec{mx_host_dns_error, "mx_host_dns_error", warning, fixed, "RFC 5321 §5.1",
              "the address lookup of an MX host failed (timeout, SERVFAIL): whether it resolves is unknown",
              "Check the name servers of the MX host's domain; the next check tells whether it resolves.", makes_unknown},
  FindingSpec{sts_record_discarded, "sts_record_discarded", warning, fixed, "RFC 8461 §3.1",
              "a TXT record at _mta-sts.<domain> looks like an STS record but does not begin with \"v=STSv1;\": senders discard it and use the other",
              "Delete the discarded record, or fix it and delete the other: an edit meant to publish a new id often lands in the record senders ignore."},
  FindingSpec{tlsrpt_discarded, "tlsrpt_discarded", info, fixed, "RFC 8460 §3",
              "a TXT record at _smtp._tls.<domain> looks like a TLS-RPT record but does not begin with \"v=TLSRPTv1;\": senders discard it and use the other",
              "Delete the discarded record, or merge its destinations into the valid one."},
  FindingSpec{policy_cert_weak, "policy_cert_weak", error, fixed, "RFC 8461 §3.3",
              "the policy host's certificate chain has a key under 2048 bits or a SHA-1 signature, which current senders refuse",
              "Get a certificate with an RSA key of 2048 bits or more (or ECDSA P-256) signed with SHA-256; public CAs issue nothing weaker."},
  FindingSpec{mx_cert_weak, "mx_cert_weak", error, delivery, "RFC 8461 §4.2",
              "an MX host's certificate chain has a key under 2048 bits or a SHA-1 signature, which current senders refuse",
              "Replace the MX certificate with one of an RSA key of 2048 bits or more (or ECDSA P-256) signed with SHA-256."},
  FindingSpec{agent_resources_exhausted, "agent_resources_exhausted", warning, fixed, "—",
              "the agent ran out of file descriptors or memory during the check: what it could not try is unknown, not the domain's fault",
              "Raise the agent's open-file limit (LimitNOFILE in systemd) or lower global.concurrency; see the agent's log.", makes_unknown},
  FindingSpec{tlsrpt_failures_reported, "tlsrpt_failures_reported", warning, fixed, "RFC 8460 §4.3",
              "senders reported failed TLS sessions to the domain in their TLS-RPT reports of the last 2 days (an error under enforce when they are a tenth of the sessions or more)",
              "Read the failures by type and MX host in the message and on the status page; where the probe sees the same cause, fix that first."},
  FindingSpec{tlsrpt_failures_unexplained, "tlsrpt_failures_unexplained", warning, fixed, "RFC 8460 §4.3",
              "senders report failures of a kind that the agent's own probes do not see: the senders' path differs from the agent's",
              "Test from outside your network and over IPv6 as well: a firewall or geo-blocking proxy that blocks the senders' networks, or an address family the agent did not use, fails for them and not for the agent."},
  FindingSpec{tlsrpt_reports_stopped, "tlsrpt_reports_stopped", warning, fixed, "RFC 8460 §3",
              "the domain's rua sends TLS-RPT reports to this agent, but none has arrived for 3 days",
              "Check the way in: the mailbox and its delivery (a full mailbox, a spam filter, a broken pipe transport), the HTTPS listener and its proxy; senders send a report a day."},
  FindingSpec{dane_tlsa_mismatch, "dane_tlsa_mismatch", error, fixed, "RFC 7672 §3.1",
              "no usable TLSA record of the MX host matches the certificate it presents: senders that do DANE defer all mail to it, whatever the MTA-STS policy says",
              "Publish a TLSA record for the key the server has now (\"3 1 1 <SHA-256 of its public key>\", see `lint tlsa`) beside the old one; after a renewal, update TLSA before the new certificate goes live."},
  FindingSpec{dane_tlsa_unusable, "dane_tlsa_unusable", warning, fixed, "RFC 7672 §3.1.3",
              "the MX host's TLSA records are all of kinds SMTP senders do not use (PKIX-TA(0), PKIX-EE(1), unknown parameters, a digest of the wrong length): DANE senders encrypt but authenticate nothing",
              "Replace them with DANE-EE(3) records (\"3 1 1 <SHA-256 of the public key>\") or DANE-TA(2) records of the issuing CA."},
  FindingSpec{dane_tlsa_single, "dane_tlsa_single", warning, fixed, "RFC 7671 §8.1",
              "the MX host has a single usable TLSA record: the next certificate with a new key breaks delivery from DANE senders until the record is changed",
              "Publish two: \"3 1 1\" for the current key and for the next one (generate it ahead, or reuse the key at renewal), or add a DANE-TA(2) record of the issuing CA."},
  FindingSpec{dane_tlsa_unsigned, "dane_tlsa_unsigned", info, fixed, "RFC 7672 §2.2",
              "the MX host publishes TLSA records in a zone that is not DNSSEC-signed: senders ignore them",
              "Sign the zone of the MX host (and have its parent publish the DS record), or remove the TLSA records."},
  FindingSpec{dane_starttls_missing, "dane_starttls_missing", error, fixed, "RFC 7672 §2.2",
              "the MX host publishes usable TLSA records but offers no STARTTLS: senders that do DANE defer all mail to it",
              "Enable STARTTLS on the MX host with the certificate the TLSA records describe, or remove the TLSA records."},
  FindingSpec{dnssec_bogus, "dnssec_bogus", error, fixed, "RFC 4035 §5.5",
              "DNSSEC validation of the domain's MX records, an MX host's addresses or its TLSA records fails (bogus): validating senders cannot resolve them and defer mail",
              "Fix the zone's signatures (expired RRSIGs, a DS record for a key no longer published, records changed without re-signing); check with a DNSSEC debugger."},
  FindingSpec{dane_dns_error, "dane_dns_error", warning, fixed, "RFC 7672 §2.1",
              "a DNSSEC-validated lookup for DANE failed (timeout, SERVFAIL for another cause): whether senders use DANE for the domain is unknown",
              "Check the name servers of the domain and of its MX hosts; the next check tells.", makes_unknown},
};
// clang-format on

constexpr bool catalogue_in_enum_order() {
  for (std::size_t i = 0; i < kCatalogue.size(); ++i) {
    if (static_cast<std::size_t>(kCatalogue[i].code) != i) return false;
  }
  return true;
}
static_assert(catalogue_in_enum_order(), "kCatalogue rows must follow the order of FindingCode");
static_assert(kCatalogue.size() == kFindingCodeCount,
              "every FindingCode needs a row in kCatalogue");

}  // namespace

std::string_view to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "invalid";
}

std::span<const FindingSpec> finding_catalogue() noexcept {
  return kCatalogue;
}

const FindingSpec& spec(FindingCode code) noexcept {
  return kCatalogue[static_cast<std::size_t>(code)];
}

std::string_view to_string(FindingCode code) noexcept {
  return spec(code).name;
}

std::optional<FindingCode> finding_code_from_name(std::string_view name) noexcept {
  for (const auto& row : kCatalogue) {
    if (row.name == name) return row.code;
  }
  return std::nullopt;
}

Severity severity_for(FindingCode code, std::optional<Mode> mode) noexcept {
  const FindingSpec& row = spec(code);
  if (!mode) return row.severity;
  switch (row.rule) {
    case SeverityRule::fixed:
    case SeverityRule::reachability: return row.severity;
    case SeverityRule::delivery:
      switch (*mode) {
        case Mode::enforce: return Severity::error;
        case Mode::testing: return Severity::warning;
        case Mode::none: return Severity::info;
      }
      break;
    case SeverityRule::advisory: return *mode == Mode::enforce ? Severity::warning : Severity::info;
  }
  return row.severity;
}

Finding make_finding(FindingCode code, std::string subject, std::string message,
                     std::optional<Mode> mode) {
  return Finding{code, severity_for(code, mode), std::move(subject), std::move(message)};
}

namespace {

/// `text` cut to at most `limit` bytes without splitting a UTF-8 character, "…" appended.
void cut_utf8(std::string& text, std::size_t limit) {
  if (text.size() <= limit) return;
  constexpr std::string_view kEllipsis = "\u2026";
  std::size_t end = limit - kEllipsis.size();
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  text += kEllipsis;
}

}  // namespace

void group_findings(std::vector<Finding>& findings) {
  // The subject is a metric label: bounded too (a DNS name is at most 253 bytes).
  const auto cut_all = [&findings] {
    for (auto& f : findings) {
      cut_utf8(f.subject, 300);
      cut_utf8(f.message, kMaxFindingMessageBytes);
    }
  };
  if (findings.size() <= kMaxFindingsPerCode) {  // every check of a healthy domain: no maps
    cut_all();
    return;
  }
  std::map<FindingCode, std::size_t> count;
  std::map<FindingCode, std::set<std::string_view>> subjects;
  for (const auto& f : findings) {
    ++count[f.code];
    subjects[f.code].insert(f.subject);
  }
  std::vector<Finding> out;
  std::set<FindingCode> grouped;
  for (const auto& f : findings) {
    const auto& of_code = subjects[f.code];
    if (count[f.code] <= kMaxFindingsPerCode) {
      out.push_back(f);
      continue;
    }
    if (!grouped.insert(f.code).second) continue;  // already stands for the group
    Finding group{f.code, f.severity, "", ""};
    std::vector<std::string_view> examples;
    for (const auto& other : findings) {
      if (other.code != f.code) continue;
      group.severity = std::max(group.severity, other.severity);
      if (examples.size() < 3) examples.push_back(other.message);
    }
    group.subject = of_code.size() == 1
                        ? f.subject
                        : fmt::format("{} and {} more", f.subject, of_code.size() - 1);
    group.message = fmt::format("{} findings of this kind, for example: {}", count[f.code],
                                fmt::join(examples, "; "));
    out.push_back(std::move(group));
  }
  findings = std::move(out);
  cut_all();
}

}  // namespace mtasts
