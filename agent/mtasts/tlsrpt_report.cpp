#include "mtasts/tlsrpt_report.hpp"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/time.hpp"
#include "mtasts/domain_name.hpp"
#include "mtasts/idna.hpp"

namespace mtasts::tlsrpt {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<ResultType, std::string_view>, 12> kResultTypes{{
    {ResultType::starttls_not_supported, "starttls-not-supported"},
    {ResultType::certificate_host_mismatch, "certificate-host-mismatch"},
    {ResultType::certificate_expired, "certificate-expired"},
    {ResultType::certificate_not_trusted, "certificate-not-trusted"},
    {ResultType::validation_failure, "validation-failure"},
    {ResultType::tlsa_invalid, "tlsa-invalid"},
    {ResultType::dnssec_invalid, "dnssec-invalid"},
    {ResultType::dane_required, "dane-required"},
    {ResultType::sts_policy_fetch_error, "sts-policy-fetch-error"},
    {ResultType::sts_policy_invalid, "sts-policy-invalid"},
    {ResultType::sts_webpki_invalid, "sts-webpki-invalid"},
    {ResultType::other, "other"},
}};

constexpr std::array<std::pair<PolicyType, std::string_view>, 3> kPolicyTypes{{
    {PolicyType::sts, "sts"},
    {PolicyType::tlsa, "tlsa"},
    {PolicyType::no_policy_found, "no-policy-found"},
}};

/// Reads the fields of one JSON object, each error naming where it is ("policies[2].summary").
class Reader {
 public:
  Reader(const json& object, std::string path, const ReportLimits& limits)
      : object_(object), path_(std::move(path)), limits_(limits) {}

  std::string where(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  }

  const json* find(std::string_view key) const {
    const auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }

  Result<const json*> required(std::string_view key) const {
    const json* value = find(key);
    if (value == nullptr) return failure(fmt::format("{} is missing", where(key)));
    return value;
  }

  Result<std::string> text(const json& value, const std::string& where_it_is) const {
    if (!value.is_string()) return failure(fmt::format("{} is not a string", where_it_is));
    const auto& s = value.get_ref<const std::string&>();
    if (s.size() > limits_.max_text) {
      return failure(fmt::format("{} is longer than {} characters", where_it_is, limits_.max_text));
    }
    return s;
  }

  Result<std::string> required_text(std::string_view key) const {
    const auto value = required(key);
    if (!value) return failure(value.error());
    auto s = text(**value, where(key));
    if (s && s->empty()) return failure(fmt::format("{} is empty", where(key)));
    return s;
  }

  Result<std::string> optional_text(std::string_view key) const {
    const json* value = find(key);
    if (value == nullptr) return std::string();
    return text(*value, where(key));
  }

  /// A string or a list of strings (real reports send both for "mx-host" and "policy-string").
  Result<std::vector<std::string>> text_list(std::string_view key) const {
    std::vector<std::string> out;
    const json* value = find(key);
    if (value == nullptr) return out;
    if (value->is_string()) {
      auto s = text(*value, where(key));
      if (!s) return failure(s.error());
      out.push_back(std::move(*s));
      return out;
    }
    if (!value->is_array()) return failure(fmt::format("{} is not a list of strings", where(key)));
    for (std::size_t i = 0; i < value->size(); ++i) {
      auto s = text((*value)[i], fmt::format("{}[{}]", where(key), i));
      if (!s) return failure(s.error());
      out.push_back(std::move(*s));
    }
    return out;
  }

  Result<std::uint64_t> count(std::string_view key) const {
    const auto value = required(key);
    if (!value) return failure(value.error());
    if (!(*value)->is_number_unsigned()) {
      return failure(fmt::format("{} is not a whole number of sessions", where(key)));
    }
    return (*value)->get<std::uint64_t>();
  }

 private:
  const json& object_;
  std::string path_;
  const ReportLimits& limits_;
};

Result<void> expect_object(const json& value, const std::string& path) {
  if (!value.is_object()) return failure(fmt::format("{} is not an object", path));
  return {};
}

Result<std::time_t> read_time(const Reader& range, std::string_view key) {
  const auto text = range.required_text(key);
  if (!text) return failure(text.error());
  const auto time = parse_rfc3339(*text);
  if (!time) return failure(fmt::format("{}: {}", range.where(key), time.error()));
  return *time;
}

Result<FailureDetail> read_failure(const json& value, const std::string& path,
                                   const ReportLimits& limits) {
  if (auto ok = expect_object(value, path); !ok) return failure(ok.error());
  const Reader r(value, path, limits);
  FailureDetail detail;
  auto type = r.required_text("result-type");
  if (!type) return failure(type.error());
  detail.result_type_text = std::move(*type);
  detail.result_type = result_type_from(detail.result_type_text);
  auto count = r.count("failed-session-count");
  if (!count) return failure(count.error());
  detail.failed_session_count = *count;
  auto mx = r.optional_text("receiving-mx-hostname");
  auto helo = r.optional_text("receiving-mx-helo");
  auto receiving_ip = r.optional_text("receiving-ip");
  auto sending_ip = r.optional_text("sending-mta-ip");
  auto reason =
      r.optional_text(r.find("failure-reason-code") ? "failure-reason-code" : "failure-error-code");
  auto info = r.optional_text("additional-information");
  for (const auto* field : {&mx, &helo, &receiving_ip, &sending_ip, &reason, &info}) {
    if (!*field) return failure(field->error());
  }
  detail.receiving_mx_hostname = canonical_name(*mx);
  detail.receiving_mx_helo = std::move(*helo);
  detail.receiving_ip = std::move(*receiving_ip);
  detail.sending_mta_ip = std::move(*sending_ip);
  detail.failure_reason_code = std::move(*reason);
  detail.additional_information = std::move(*info);
  return detail;
}

Result<PolicyResult> read_policy(const json& value, const std::string& path,
                                 const ReportLimits& limits, std::size_t& failure_budget) {
  if (auto ok = expect_object(value, path); !ok) return failure(ok.error());
  const Reader outer(value, path, limits);
  PolicyResult result;

  const auto policy = outer.required("policy");
  if (!policy) return failure(policy.error());
  const std::string policy_path = outer.where("policy");
  if (auto ok = expect_object(**policy, policy_path); !ok) return failure(ok.error());
  const Reader p(**policy, policy_path, limits);
  const auto type = p.required_text("policy-type");
  if (!type) return failure(type.error());
  bool known = false;
  for (const auto& [candidate, name] : kPolicyTypes) {
    if (*type == name) {
      result.type = candidate;
      known = true;
    }
  }
  if (!known) {
    return failure(fmt::format("{} '{}' is none of sts, tlsa, no-policy-found (RFC 8460 §4.3)",
                               p.where("policy-type"), *type));
  }
  const auto domain = p.required_text("policy-domain");
  if (!domain) return failure(domain.error());
  auto normalized = normalize_domain_input(*domain);
  if (!normalized) {
    return failure(fmt::format("{}: {}", p.where("policy-domain"), normalized.error()));
  }
  result.domain = std::move(*normalized);
  auto strings = p.text_list("policy-string");
  if (!strings) return failure(strings.error());
  result.policy_strings = std::move(*strings);
  auto mx_hosts = p.text_list("mx-host");
  if (!mx_hosts) return failure(mx_hosts.error());
  for (const auto& host : *mx_hosts) result.mx_hosts.push_back(canonical_name(host));

  const auto summary = outer.required("summary");
  if (!summary) return failure(summary.error());
  const std::string summary_path = outer.where("summary");
  if (auto ok = expect_object(**summary, summary_path); !ok) return failure(ok.error());
  const Reader s(**summary, summary_path, limits);
  const auto successful = s.count("total-successful-session-count");
  if (!successful) return failure(successful.error());
  const auto failed = s.count("total-failure-session-count");
  if (!failed) return failure(failed.error());
  result.successful_sessions = *successful;
  result.failed_sessions = *failed;

  if (const json* details = outer.find("failure-details")) {
    const std::string details_path = outer.where("failure-details");
    if (!details->is_array()) return failure(fmt::format("{} is not a list", details_path));
    if (details->size() > failure_budget) {
      return failure(
          fmt::format("the report has more than {} failure details", limits.max_failure_details));
    }
    failure_budget -= details->size();
    for (std::size_t i = 0; i < details->size(); ++i) {
      auto detail = read_failure((*details)[i], fmt::format("{}[{}]", details_path, i), limits);
      if (!detail) return failure(detail.error());
      result.failures.push_back(std::move(*detail));
    }
  }
  return result;
}

}  // namespace

std::string_view to_string(PolicyType type) {
  for (const auto& [known, name] : kPolicyTypes) {
    if (known == type) return name;
  }
  return "other";
}

std::string_view to_string(ResultType type) {
  for (const auto& [known, name] : kResultTypes) {
    if (known == type) return name;
  }
  return "other";
}

const std::vector<ResultType>& all_result_types() {
  static const std::vector<ResultType> all = [] {
    std::vector<ResultType> out;
    for (const auto& [type, name] : kResultTypes) out.push_back(type);
    return out;
  }();
  return all;
}

ResultType result_type_from(std::string_view text) {
  for (const auto& [type, name] : kResultTypes) {
    if (name == text) return type;
  }
  return ResultType::other;
}

std::span<const FindingCode> probe_codes_for(ResultType type) {
  using enum FindingCode;
  // What a sender that fails this way would have met, as the agent's probes name it.
  static constexpr FindingCode kStarttls[] = {mx_starttls_missing, mx_tls_failed,
                                              mx_tls_version_old};
  static constexpr FindingCode kHostMismatch[] = {mx_cert_name_mismatch, mx_not_covered};
  static constexpr FindingCode kExpired[] = {mx_cert_expired};
  static constexpr FindingCode kNotTrusted[] = {mx_cert_untrusted, mx_cert_weak};
  static constexpr FindingCode kValidation[] = {
      mx_cert_untrusted, mx_cert_name_mismatch, mx_cert_expired,   mx_cert_weak,
      mx_not_covered,    mx_tls_failed,         mx_tls_version_old};
  static constexpr FindingCode kFetch[] = {
      policy_host_unresolvable, policy_host_dns_error, policy_connect_failed, policy_timeout,
      policy_tls_failed,        policy_http_status,    policy_redirect,       policy_too_large,
      policy_ipv4_only,         policy_ipv6_only,      policy_family_mismatch};
  static constexpr FindingCode kInvalid[] = {
      policy_syntax,       policy_version,      policy_mode_invalid, policy_max_age_invalid,
      policy_mx_missing,   policy_mx_invalid,   policy_content_type, sts_record_invalid,
      sts_record_multiple, sts_record_discarded};
  static constexpr FindingCode kWebPki[] = {policy_cert_untrusted, policy_cert_name_mismatch,
                                            policy_cert_expired, policy_cert_weak};
  // DANE's (RFC 8460 §4.3.2), seen where the agent checks DANE.
  static constexpr FindingCode kTlsa[] = {dane_tlsa_mismatch, dane_tlsa_unusable};
  static constexpr FindingCode kDnssec[] = {dnssec_bogus};
  static constexpr FindingCode kDaneRequired[] = {dane_starttls_missing};
  switch (type) {
    case ResultType::starttls_not_supported: return kStarttls;
    case ResultType::certificate_host_mismatch: return kHostMismatch;
    case ResultType::certificate_expired: return kExpired;
    case ResultType::certificate_not_trusted: return kNotTrusted;
    case ResultType::validation_failure: return kValidation;
    case ResultType::sts_policy_fetch_error: return kFetch;
    case ResultType::sts_policy_invalid: return kInvalid;
    case ResultType::sts_webpki_invalid: return kWebPki;
    case ResultType::tlsa_invalid: return kTlsa;
    case ResultType::dnssec_invalid: return kDnssec;
    case ResultType::dane_required: return kDaneRequired;
    case ResultType::other: break;
  }
  return {};
}

Result<Report> parse_report(std::string_view text, const ReportLimits& limits) {
  if (text.size() > limits.max_json_bytes) {
    return failure(fmt::format("the report is larger than {} bytes", limits.max_json_bytes));
  }
  bool too_deep = false;
  const json::parser_callback_t depth_guard = [&](int depth, json::parse_event_t, json&) {
    if (depth > limits.max_depth) too_deep = true;
    return !too_deep;
  };
  const json document = json::parse(text, depth_guard, /*allow_exceptions=*/false);
  if (too_deep) {
    return failure(fmt::format("the report nests deeper than {} levels", limits.max_depth));
  }
  if (document.is_discarded()) return failure("the report is not JSON");
  if (auto ok = expect_object(document, "the report"); !ok) return failure(ok.error());

  const Reader r(document, "", limits);
  Report report;
  auto organization = r.required_text("organization-name");
  if (!organization) return failure(organization.error());
  report.organization = std::move(*organization);
  auto report_id = r.required_text("report-id");
  if (!report_id) return failure(report_id.error());
  report.report_id = std::move(*report_id);
  auto contact = r.optional_text("contact-info");
  if (!contact) return failure(contact.error());
  report.contact_info = std::move(*contact);

  const auto range = r.required("date-range");
  if (!range) return failure(range.error());
  if (auto ok = expect_object(**range, "date-range"); !ok) return failure(ok.error());
  const Reader dates(**range, "date-range", limits);
  const auto start = read_time(dates, "start-datetime");
  if (!start) return failure(start.error());
  const auto end = read_time(dates, "end-datetime");
  if (!end) return failure(end.error());
  if (*end <= *start) return failure("date-range ends before it starts");
  if (*end - *start > limits.max_period) {
    return failure(
        fmt::format("date-range covers more than {} days (a report covers one, "
                    "RFC 8460 §4.1)",
                    limits.max_period / 86400));
  }
  report.start = *start;
  report.end = *end;

  const auto policies = r.required("policies");
  if (!policies) return failure(policies.error());
  if (!(*policies)->is_array()) return failure("policies is not a list");
  if ((*policies)->empty()) return failure("policies is empty");
  if ((*policies)->size() > limits.max_policies) {
    return failure(fmt::format("the report has more than {} policies", limits.max_policies));
  }
  std::size_t failure_budget = limits.max_failure_details;
  for (std::size_t i = 0; i < (*policies)->size(); ++i) {
    auto policy =
        read_policy((**policies)[i], fmt::format("policies[{}]", i), limits, failure_budget);
    if (!policy) return failure(policy.error());
    report.policies.push_back(std::move(*policy));
  }
  return report;
}

namespace {

std::uint64_t saturating_sum(const Report& report, std::string_view domain,
                             std::uint64_t PolicyResult::*count) {
  std::uint64_t total = 0;
  for (const auto& policy : report.policies) {
    if (!domain.empty() && policy.domain != domain) continue;
    total = saturating_add(total, policy.*count);
  }
  return total;
}

}  // namespace

std::uint64_t failed_sessions(const Report& report, std::string_view domain) {
  return saturating_sum(report, domain, &PolicyResult::failed_sessions);
}

std::uint64_t successful_sessions(const Report& report, std::string_view domain) {
  return saturating_sum(report, domain, &PolicyResult::successful_sessions);
}

}  // namespace mtasts::tlsrpt
