/// @file
/// @brief An RFC 8460 aggregate report as senders send it (§4.4 JSON), read and validated: what
/// one organization saw when it delivered mail to the domain over a UTC day. Pure: bytes in, a
/// report or the reason it is not one out.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "mtasts/finding.hpp"

namespace mtasts::tlsrpt {

/// RFC 8460 §4.3: the policy the sender applied.
enum class PolicyType { sts, tlsa, no_policy_found };

/// RFC 8460 §4.3's closed list of failure result types; anything else a reporter invents is
/// `other` (its text kept in `FailureDetail::result_type_text`).
enum class ResultType {
  starttls_not_supported,
  certificate_host_mismatch,
  certificate_expired,
  certificate_not_trusted,
  validation_failure,
  tlsa_invalid,
  dnssec_invalid,
  dane_required,
  sts_policy_fetch_error,
  sts_policy_invalid,
  sts_webpki_invalid,
  other,
};

/// The names as the RFC spells them ("no-policy-found", "certificate-expired", "other").
std::string_view to_string(PolicyType type);
std::string_view to_string(ResultType type);
/// Every result type, `other` last: for tables and metrics.
const std::vector<ResultType>& all_result_types();
/// The result type of its RFC name; `other` for any other text.
ResultType result_type_from(std::string_view text);

/// The findings of the agent's own probes that explain a failure senders report with this
/// result type (certificate-expired: mx_cert_expired); empty for the DANE types (tlsa-invalid,
/// dnssec-invalid, dane-required), which the agent does not probe, and for `other`.
std::span<const FindingCode> probe_codes_for(ResultType type);

/// One "failure-details" entry: sessions that failed the same way between the same hosts.
struct FailureDetail {
  ResultType result_type = ResultType::other;
  std::string result_type_text;       ///< as sent ("certificate-expired")
  std::string receiving_mx_hostname;  ///< canonical (lower case, no trailing dot); may be empty
  std::string receiving_mx_helo;
  std::string receiving_ip;
  std::string sending_mta_ip;  ///< private: kept in the store, never a metric label
  std::uint64_t failed_session_count = 0;
  std::string
      failure_reason_code;  ///< "failure-reason-code" (or the erratum's "failure-error-code")
  std::string additional_information;
};

/// One "policies" entry: the sessions of one applied policy.
struct PolicyResult {
  PolicyType type = PolicyType::no_policy_found;
  std::string domain;                       ///< "policy-domain", canonical A-label form
  std::vector<std::string> policy_strings;  ///< "policy-string"
  std::vector<std::string> mx_hosts;        ///< "mx-host": a string or a list in real reports
  std::uint64_t successful_sessions = 0;
  std::uint64_t failed_sessions = 0;
  std::vector<FailureDetail> failures;
};

struct Report {
  std::string organization;  ///< "organization-name"
  std::string contact_info;  ///< may be empty: required by §4.4, left out by some reporters
  std::string report_id;
  std::time_t start = 0;  ///< "date-range"
  std::time_t end = 0;
  std::vector<PolicyResult> policies;
};

/// Bounds on what one report may be; a report beyond them is refused, not cut.
struct ReportLimits {
  std::size_t max_json_bytes = 8u << 20;
  int max_depth = 16;  ///< a report nests five deep; JSON nesting bombs stop here
  std::size_t max_policies = 1000;
  std::size_t max_failure_details = 100'000;  ///< over all policies
  std::size_t max_text = 1024;                ///< per string field
  std::time_t max_period = 31 * 86400;        ///< a report covers a day (§4.1); a month at most
};

/// Reads a report's JSON and checks it against RFC 8460 §4.4: the required fields and their
/// types, a date range that ends after it starts, non-negative whole counts, policy types from
/// §4.3, policy domains that are domain names. Variants real reporters send are accepted:
/// "mx-host" and "policy-string" as a string or a list, "failure-error-code" for
/// "failure-reason-code", unknown fields, result types outside §4.3 (as `other`), a missing
/// "contact-info". Errors name the field ("policies[0].summary.total-failure-session-count is
/// not a whole number").
Result<Report> parse_report(std::string_view json, const ReportLimits& limits = {});

/// What senders reported about one domain over the last days, added up over their reports:
/// the facts evaluate() judges beside the probes' (the daemon gathers them from its report
/// store). Bounded: at most kMaxTypes result types, kMaxHosts receiving MX hosts per type and
/// kMaxReporters reporter names.
struct RecentReports {
  static constexpr std::size_t kMaxTypes = 12;
  static constexpr std::size_t kMaxHosts = 3;
  static constexpr std::size_t kMaxReporters = 5;

  std::time_t since = 0;  ///< reports whose period ended at or after this
  std::uint64_t successful = 0;
  std::uint64_t failed = 0;
  std::size_t reports = 0;
  struct Failures {
    std::string result_type;  ///< as sent
    std::uint64_t sessions = 0;
    std::vector<std::string> mx_hosts;  ///< receiving MX hosts named, most sessions first
  };
  std::vector<Failures> failures;  ///< by result type, most sessions first
  std::vector<std::string> reporters;
  /// The end of the newest report of the domain in the store (within retention), window or
  /// not; none when there is none.
  std::optional<std::time_t> latest_end;
};

/// Reporters' counts are theirs to choose: a sum that would wrap stays at the largest count.
inline std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

/// Sessions in a report that failed / succeeded, over all its policies (for one domain, or all
/// when `domain` is empty).
std::uint64_t failed_sessions(const Report& report, std::string_view domain = {});
std::uint64_t successful_sessions(const Report& report, std::string_view domain = {});

}  // namespace mtasts::tlsrpt
