/// @file
/// @brief Every metric family the agent exports, declared once (README, "Metrics"): its
/// name, type, labels and help. The collector renders only these, and a test keeps the
/// README's metrics table in step with this list.
#pragma once

#include <prometheus/metric_type.h>

#include <cstdint>
#include <span>
#include <string_view>

namespace mtasts::metrics {

enum class Family : std::uint8_t {
  // What the agent observes, from the latest scheduled check of each domain.
  domain_verdict,
  domain_info,
  finding,
  sts_record_valid,
  policy_valid,
  policy_info,
  policy_max_age_seconds,
  policy_http_status_code,
  policy_last_change_timestamp_seconds,
  policy_mode_since_timestamp_seconds,
  policy_previous_expiry_timestamp_seconds,
  tlsrpt_record_valid,
  tlsrpt_sessions_total,
  tlsrpt_failed_sessions_total,
  tlsrpt_last_report_end_timestamp_seconds,
  cert_not_after_timestamp_seconds,
  cert_valid,
  mx_policy_match,
  mx_starttls_success,
  mx_tls_version_info,
  dnssec_status,
  mx_dnssec_status,
  mx_tlsa_usable_records,
  mx_tlsa_match,
  sender_policy,
  sender_delivers,
  check_duration_seconds,
  check_last_run_timestamp_seconds,
  // The agent itself.
  agent_build_info,
  agent_domains,
  agent_domains_checked,
  agent_checks_total,
  agent_check_failures_total,
  agent_checks_in_flight,
  agent_check_concurrency_limit,
  agent_schedule_lag_seconds,
  agent_config_last_reload_successful,
  agent_config_last_reload_success_timestamp_seconds,
  agent_shard_index,
  agent_shards,
  agent_state_save_failures_total,
  agent_smtp_probes_total,
  agent_smtp_probes_shared_total,
  agent_tlsrpt_reports_total,
  agent_tlsrpt_inputs_total,
  agent_port25_egress_up,
  agent_dane_validation_up,
  process_cpu_seconds_total,
  process_resident_memory_bytes,
  process_virtual_memory_bytes,
  process_start_time_seconds,
  process_open_fds,
  process_max_fds,
};

/// Whether `family` has samples per domain (declared before the agent's own).
constexpr bool is_domain_family(Family family) {
  return family < Family::agent_build_info;
}

struct FamilySpec {
  Family family;
  std::string_view name;
  prometheus::MetricType type;
  std::string_view labels;  ///< comma-separated, in the order samples give their values
  std::string_view help;
};

/// Every family, in the order of Family.
std::span<const FamilySpec> metric_families() noexcept;
const FamilySpec& spec(Family family) noexcept;

}  // namespace mtasts::metrics
