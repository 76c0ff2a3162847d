/// @file
/// @brief The finding catalogue (README, "Finding codes"): every problem the agent can report,
/// with its stable code, default severity, RFC reference and a one-line title.
///
/// Codes are a contract: they become the `code` label of `mtasts_finding` and the `code`
/// field of the JSON reports. Add codes at the end of a group; never rename one.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mtasts/policy_mode.hpp"

namespace mtasts {

enum class Severity : std::uint8_t { info, warning, error };

std::string_view to_string(Severity severity) noexcept;

enum class FindingCode : std::uint8_t {
  // TXT record at _mta-sts.<domain> (RFC 8461 §3.1)
  sts_record_missing,
  sts_record_invalid,
  sts_record_multiple,
  sts_record_misplaced,
  sts_record_dns_error,
  sts_record_unknown_field,
  sts_record_duplicate_field,
  // policy fetch (RFC 8461 §3.3)
  policy_host_unresolvable,
  policy_connect_failed,
  policy_timeout,
  policy_tls_failed,
  policy_cert_untrusted,
  policy_cert_name_mismatch,
  policy_cert_expired,
  policy_cert_expiring,
  policy_http_status,
  policy_redirect,
  policy_content_type,
  policy_too_large,
  policy_ipv4_only,
  policy_ipv6_only,
  policy_family_mismatch,
  // policy content (RFC 8461 §3.2)
  policy_syntax,
  policy_version,
  policy_mode_invalid,
  policy_mode_testing,
  policy_mode_none,
  policy_max_age_invalid,
  policy_max_age_short,
  policy_mx_missing,
  policy_mx_invalid,
  policy_duplicate_field,
  policy_unknown_field,
  policy_lf_line_endings,
  policy_empty_line,
  // consistency between records, policy and MX (RFC 8461 §4.1, §8.1)
  mx_not_covered,
  policy_mx_unused,
  policy_changed_without_id_change,
  id_changed_policy_unchanged,
  // MX transport (RFC 8461 §4, §7)
  mx_none,
  mx_unresolvable,
  mx_connect_failed,
  mx_timeout,
  mx_starttls_missing,
  mx_tls_failed,
  mx_tls_version_old,
  mx_cert_untrusted,
  mx_cert_name_mismatch,
  mx_cert_expired,
  mx_cert_expiring,
  port25_blocked,
  // TLS-RPT record at _smtp._tls.<domain> (RFC 8460 §3)
  tlsrpt_missing,
  tlsrpt_invalid,
  tlsrpt_multiple,
  tlsrpt_rua_invalid,
  tlsrpt_unknown_field,
  tlsrpt_duplicate_field,
  // added after the initial catalogue
  tlsrpt_dns_error,
  mx_dns_error,
  address_private_refused,
  policy_host_dns_error,
  mx_host_dns_error,
  sts_record_discarded,
  tlsrpt_discarded,
  policy_cert_weak,
  mx_cert_weak,
  agent_resources_exhausted,
  // what senders reported in TLS-RPT aggregate reports (RFC 8460 §4)
  tlsrpt_failures_reported,
  tlsrpt_failures_unexplained,
  tlsrpt_reports_stopped,
  // DANE for SMTP: TLSA records and DNSSEC (RFC 7672)
  dane_tlsa_mismatch,
  dane_tlsa_unusable,
  dane_tlsa_single,
  dane_tlsa_unsigned,
  dane_starttls_missing,
  dnssec_bogus,
  dane_dns_error,
};

inline constexpr std::size_t kFindingCodeCount =
    static_cast<std::size_t>(FindingCode::dane_dns_error) + 1;

/// How a finding's severity depends on the mode of the domain's policy (README, "Finding codes").
enum class SeverityRule : std::uint8_t {
  fixed,     ///< the catalogue severity, whatever the mode
  delivery,  ///< makes senders refuse delivery under enforce: error / warning (testing) / info
             ///< (none)
  advisory,  ///< advice that matters more under enforce: warning / info (testing) / info (none)
  /// MX reachability: the catalogue severity (warning) when another MX host of the domain
  /// answers, so senders fall back; evaluate() makes it an error when none does (no path).
  reachability,
};

/// What a finding does to the domain's verdict.
enum class VerdictEffect : std::uint8_t {
  by_severity,  ///< an error fails it, a warning makes it a warning
  /// The look was incomplete (a failed lookup, port 25 blocked, the agent out of resources):
  /// unless another finding fails the domain, the verdict is unknown, not ok or warning.
  makes_unknown,
};

struct FindingSpec {
  FindingCode code;
  std::string_view name;  ///< stable snake_case code
  Severity severity;      ///< severity when the mode is unknown (and always, for `fixed`)
  SeverityRule rule;
  std::string_view rfc;     ///< the section the rule comes from, e.g. "RFC 8461 §3.1"
  std::string_view title;   ///< what the finding means, in one line
  std::string_view advice;  ///< what to do about it, in one line
  VerdictEffect verdict_effect = VerdictEffect::by_severity;
};

/// Every code, in the order of FindingCode.
std::span<const FindingSpec> finding_catalogue() noexcept;
const FindingSpec& spec(FindingCode code) noexcept;
std::string_view to_string(FindingCode code) noexcept;
std::optional<FindingCode> finding_code_from_name(std::string_view name) noexcept;

/// The severity of `code` for a domain whose policy has `mode` (nullopt: no valid policy).
Severity severity_for(FindingCode code, std::optional<Mode> mode) noexcept;

/// One problem found, for people (message) and machines (code, severity, subject).
struct Finding {
  FindingCode code;
  Severity severity;
  std::string subject;  ///< what it is about: a DNS name, a host, a policy pattern
  std::string message;  ///< specific and actionable; free text, never a metric label

  friend bool operator==(const Finding&, const Finding&) = default;
};

Finding make_finding(FindingCode code, std::string subject, std::string message,
                     std::optional<Mode> mode = std::nullopt);

/// More findings of one code than this become one. At least the MX hosts a check probes
/// (10), so a problem of every MX host still has a finding (and an alert) per host.
inline constexpr std::size_t kMaxFindingsPerCode = 10;
/// A finding's message is cut to this many bytes (at a character boundary).
inline constexpr std::size_t kMaxFindingMessageBytes = 1024;

/// Bounds what one domain's findings hold, and so its `mtasts_finding` series: a 64 KiB policy
/// may carry thousands of `mx:` lines, each an unused or invalid pattern. A code with more
/// than kMaxFindingsPerCode findings becomes one finding, at the place of the first, with the
/// worst severity, the subject "FIRST and N more" (N other subjects; the first alone when all
/// have the same) and a message with the count and the first examples. Messages are cut to
/// kMaxFindingMessageBytes. The verdict does not change.
void group_findings(std::vector<Finding>& findings);

}  // namespace mtasts
