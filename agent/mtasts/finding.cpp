#include "mtasts/finding.hpp"

#include <array>

namespace mtasts {
namespace {

using enum FindingCode;
using enum Severity;
using enum SeverityRule;

// clang-format off
constexpr std::array kCatalogue = {
  FindingSpec{sts_record_missing, "sts_record_missing", error, fixed, "RFC 8461 §3.1",
              "no TXT record beginning with v=STSv1 at _mta-sts.<domain>: senders see no MTA-STS policy"},
  FindingSpec{sts_record_invalid, "sts_record_invalid", error, fixed, "RFC 8461 §3.1",
              "the _mta-sts TXT record does not follow the RFC's syntax: senders ignore it"},
  FindingSpec{sts_record_multiple, "sts_record_multiple", error, fixed, "RFC 8461 §3.1",
              "more than one v=STSv1 TXT record: senders must assume there is no policy"},
  FindingSpec{sts_record_misplaced, "sts_record_misplaced", error, fixed, "RFC 8461 §3.1",
              "a v=STSv1 record is published at the wrong name (mta-sts.<domain> or the apex) instead of _mta-sts.<domain>"},
  FindingSpec{sts_record_dns_error, "sts_record_dns_error", warning, fixed, "RFC 8461 §3.1",
              "the _mta-sts lookup failed (timeout, SERVFAIL): whether a record exists is unknown"},
  FindingSpec{sts_record_unknown_field, "sts_record_unknown_field", info, fixed, "RFC 8461 §3.1",
              "the record has a field senders do not know; they ignore it"},
  FindingSpec{sts_record_duplicate_field, "sts_record_duplicate_field", warning, fixed, "RFC 8461 §3.2",
              "a field appears more than once; senders use the first"},

  FindingSpec{policy_host_unresolvable, "policy_host_unresolvable", error, fixed, "RFC 8461 §3.3",
              "mta-sts.<domain> has no address: senders cannot fetch the policy"},
  FindingSpec{policy_connect_failed, "policy_connect_failed", error, fixed, "RFC 8461 §3.3",
              "no TCP connection to the policy host on port 443"},
  FindingSpec{policy_timeout, "policy_timeout", error, fixed, "RFC 8461 §3.3",
              "the policy fetch did not finish in time"},
  FindingSpec{policy_tls_failed, "policy_tls_failed", error, fixed, "RFC 8461 §3.3",
              "the TLS handshake with the policy host failed"},
  FindingSpec{policy_cert_untrusted, "policy_cert_untrusted", error, fixed, "RFC 8461 §3.3",
              "the policy host's certificate does not chain to a trusted root"},
  FindingSpec{policy_cert_name_mismatch, "policy_cert_name_mismatch", error, fixed, "RFC 8461 §3.3",
              "the policy host's certificate is not valid for mta-sts.<domain>"},
  FindingSpec{policy_cert_expired, "policy_cert_expired", error, fixed, "RFC 8461 §3.3",
              "the policy host's certificate has expired"},
  FindingSpec{policy_cert_expiring, "policy_cert_expiring", warning, fixed, "RFC 8461 §3.3",
              "the policy host's certificate expires soon"},
  FindingSpec{policy_http_status, "policy_http_status", error, fixed, "RFC 8461 §3.3",
              "the policy URL did not answer 200 OK"},
  FindingSpec{policy_redirect, "policy_redirect", error, fixed, "RFC 8461 §3.3",
              "the policy URL answered with a redirect, which senders must not follow"},
  FindingSpec{policy_content_type, "policy_content_type", error, fixed, "RFC 8461 §3.2",
              "the policy is not served as text/plain; several senders reject it"},
  FindingSpec{policy_too_large, "policy_too_large", error, fixed, "RFC 8461 §3.3",
              "the policy is larger than 64 KiB, the size senders are expected to accept"},
  FindingSpec{policy_ipv4_only, "policy_ipv4_only", warning, fixed, "RFC 8461 §3.3",
              "the policy is reachable over IPv4 only"},
  FindingSpec{policy_ipv6_only, "policy_ipv6_only", warning, fixed, "RFC 8461 §3.3",
              "the policy is reachable over IPv6 only"},
  FindingSpec{policy_family_mismatch, "policy_family_mismatch", warning, fixed, "RFC 8461 §3.3",
              "IPv4 and IPv6 serve different results for the policy"},

  FindingSpec{policy_syntax, "policy_syntax", error, fixed, "RFC 8461 §3.2",
              "a line of the policy does not follow the RFC's syntax: senders reject the policy"},
  FindingSpec{policy_version, "policy_version", error, fixed, "RFC 8461 §3.2",
              "the policy's version field is missing or is not STSv1"},
  FindingSpec{policy_mode_invalid, "policy_mode_invalid", error, fixed, "RFC 8461 §3.2",
              "the policy's mode field is missing or is not enforce, testing or none"},
  FindingSpec{policy_mode_testing, "policy_mode_testing", info, fixed, "RFC 8461 §5",
              "the policy is in testing mode: failures are reported but mail is still delivered without TLS"},
  FindingSpec{policy_mode_none, "policy_mode_none", warning, fixed, "RFC 8461 §5",
              "the policy is in mode none: MTA-STS gives no protection"},
  FindingSpec{policy_max_age_invalid, "policy_max_age_invalid", error, fixed, "RFC 8461 §3.2",
              "the policy's max_age is missing, not a number, or above 31557600"},
  FindingSpec{policy_max_age_short, "policy_max_age_short", warning, advisory, "RFC 8461 §3.2",
              "max_age is shorter than a week; the RFC expects weeks or more"},
  FindingSpec{policy_mx_missing, "policy_mx_missing", error, fixed, "RFC 8461 §3.2",
              "the policy has no mx field, which is required unless the mode is none"},
  FindingSpec{policy_mx_invalid, "policy_mx_invalid", error, fixed, "RFC 8461 §3.2",
              "an mx value is not a host name or a *. wildcard pattern"},
  FindingSpec{policy_duplicate_field, "policy_duplicate_field", warning, fixed, "RFC 8461 §3.2",
              "a field other than mx appears more than once; the RFC says the first wins, but senders disagree"},
  FindingSpec{policy_unknown_field, "policy_unknown_field", info, fixed, "RFC 8461 §3.2",
              "the policy has a field senders do not know; they ignore it"},
  FindingSpec{policy_lf_line_endings, "policy_lf_line_endings", info, fixed, "RFC 8461 §3.2",
              "the policy ends lines with LF, not CRLF; the ABNF allows it (erratum 6253) and senders accept it"},
  FindingSpec{policy_empty_line, "policy_empty_line", warning, fixed, "RFC 8461 §3.2",
              "the policy has an empty line, which its grammar does not allow; strict senders reject it"},

  FindingSpec{mx_not_covered, "mx_not_covered", error, delivery, "RFC 8461 §4.1",
              "an MX host matches none of the policy's mx patterns"},
  FindingSpec{policy_mx_unused, "policy_mx_unused", info, fixed, "RFC 8461 §4.1",
              "an mx pattern of the policy matches none of the domain's MX hosts"},
  FindingSpec{policy_changed_without_id_change, "policy_changed_without_id_change", warning, fixed, "RFC 8461 §8.1",
              "the policy changed but the TXT record's id did not: senders keep the old policy"},
  FindingSpec{id_changed_policy_unchanged, "id_changed_policy_unchanged", info, fixed, "RFC 8461 §8.1",
              "the TXT record's id changed but the policy did not"},

  FindingSpec{mx_none, "mx_none", warning, fixed, "RFC 7505",
              "the domain has no MX records (implicit MX) or a Null MX"},
  FindingSpec{mx_unresolvable, "mx_unresolvable", warning, fixed, "RFC 5321 §5.1",
              "an MX host has no address"},
  FindingSpec{mx_connect_failed, "mx_connect_failed", warning, fixed, "RFC 5321 §5.1",
              "no TCP connection to an MX host on port 25"},
  FindingSpec{mx_timeout, "mx_timeout", warning, fixed, "RFC 5321 §4.5.3.2",
              "an MX host did not complete the SMTP dialogue in time"},
  FindingSpec{mx_starttls_missing, "mx_starttls_missing", error, delivery, "RFC 8461 §4",
              "an MX host does not offer STARTTLS"},
  FindingSpec{mx_tls_failed, "mx_tls_failed", error, delivery, "RFC 8461 §4.2",
              "the TLS handshake with an MX host failed"},
  FindingSpec{mx_tls_version_old, "mx_tls_version_old", error, delivery, "RFC 8461 §7.2",
              "an MX host negotiates a TLS version below 1.2"},
  FindingSpec{mx_cert_untrusted, "mx_cert_untrusted", error, delivery, "RFC 8461 §4.2",
              "an MX host's certificate does not chain to a trusted root"},
  FindingSpec{mx_cert_name_mismatch, "mx_cert_name_mismatch", error, delivery, "RFC 8461 §4.2",
              "an MX host's certificate is not valid for the MX host name"},
  FindingSpec{mx_cert_expired, "mx_cert_expired", error, delivery, "RFC 8461 §4.2",
              "an MX host's certificate has expired"},
  FindingSpec{mx_cert_expiring, "mx_cert_expiring", warning, fixed, "RFC 8461 §4.2",
              "an MX host's certificate expires soon"},
  FindingSpec{port25_blocked, "port25_blocked", warning, fixed, "RFC 8461 §4",
              "no MX host was reachable on port 25 and the agent's own egress test failed: the MX results are unknown"},

  FindingSpec{tlsrpt_missing, "tlsrpt_missing", warning, fixed, "RFC 8460 §3",
              "no TXT record beginning with v=TLSRPTv1 at _smtp._tls.<domain>: nobody receives TLS failure reports"},
  FindingSpec{tlsrpt_invalid, "tlsrpt_invalid", error, fixed, "RFC 8460 §3",
              "the TLS-RPT record does not follow the RFC's syntax: senders ignore it"},
  FindingSpec{tlsrpt_multiple, "tlsrpt_multiple", error, fixed, "RFC 8460 §3",
              "more than one v=TLSRPTv1 TXT record: senders must assume there is no TLS-RPT"},
  FindingSpec{tlsrpt_rua_invalid, "tlsrpt_rua_invalid", error, fixed, "RFC 8460 §3",
              "a rua destination is not a usable mailto: or https: URI"},
  FindingSpec{tlsrpt_unknown_field, "tlsrpt_unknown_field", info, fixed, "RFC 8460 §3",
              "the TLS-RPT record has a field senders do not know; they ignore it"},
  FindingSpec{tlsrpt_duplicate_field, "tlsrpt_duplicate_field", warning, fixed, "RFC 8460 §3",
              "a field of the TLS-RPT record appears more than once"},

  FindingSpec{tlsrpt_dns_error, "tlsrpt_dns_error", warning, fixed, "RFC 8460 §3",
              "the _smtp._tls lookup failed (timeout, SERVFAIL): whether a record exists is unknown"},
  FindingSpec{mx_dns_error, "mx_dns_error", warning, fixed, "RFC 5321 §5.1",
              "the MX lookup failed (timeout, SERVFAIL): the MX hosts are unknown"},
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
    case SeverityRule::fixed: return row.severity;
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

}  // namespace mtasts
