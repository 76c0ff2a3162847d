#include "metrics/families.hpp"

namespace mtasts::metrics {
namespace {

using enum Family;
using prometheus::MetricType;

// HELP of the domain families says where the values come from: the latest check the
// agent's schedule ran, not a probe made at scrape time.
#define FROM_SCHEDULE " (from the latest scheduled check)"

// clang-format off
constexpr FamilySpec kFamilies[] = {
  {domain_verdict, "mtasts_domain_verdict", MetricType::Gauge, "domain,verdict",
   "1 for the domain's current verdict (ok, warning, fail, unknown), 0 for the others" FROM_SCHEDULE},
  {domain_info, "mtasts_domain_info", MetricType::Gauge, "domain",
   "1 for every configured domain, with the labels of its target file group" FROM_SCHEDULE},
  {finding, "mtasts_finding", MetricType::Gauge, "domain,code,severity,subject",
   "1 while a finding is active; the series is absent otherwise" FROM_SCHEDULE},
  {sts_record_valid, "mtasts_sts_record_valid", MetricType::Gauge, "domain",
   "1 when exactly one valid _mta-sts TXT record was found" FROM_SCHEDULE},
  {policy_valid, "mtasts_policy_valid", MetricType::Gauge, "domain",
   "1 when the policy was fetched over verified HTTPS and parsed as valid" FROM_SCHEDULE},
  {policy_info, "mtasts_policy_info", MetricType::Gauge, "domain,id,mode",
   "1, with the TXT record's id and the policy's mode" FROM_SCHEDULE},
  {policy_max_age_seconds, "mtasts_policy_max_age_seconds", MetricType::Gauge, "domain",
   "The policy's max_age" FROM_SCHEDULE},
  {policy_http_status_code, "mtasts_policy_http_status_code", MetricType::Gauge, "domain",
   "The HTTP status of the policy fetch, 0 when no answer came" FROM_SCHEDULE},
  {policy_last_change_timestamp_seconds, "mtasts_policy_last_change_timestamp_seconds", MetricType::Gauge, "domain",
   "When the TXT id or the policy body last changed, as first seen by the agent (kept across restarts)" FROM_SCHEDULE},
  {policy_mode_since_timestamp_seconds, "mtasts_policy_mode_since_timestamp_seconds", MetricType::Gauge, "domain",
   "Since when the policy has had its current mode, as first seen by the agent (kept across restarts)" FROM_SCHEDULE},
  {policy_previous_expiry_timestamp_seconds, "mtasts_policy_previous_expiry_timestamp_seconds", MetricType::Gauge, "domain",
   "Until when senders may still apply the policy seen before the latest change or disappearance (when it was replaced or gone + its max_age, RFC 8461 §8.3); absent when nothing changed"},
  {tlsrpt_record_valid, "mtasts_tlsrpt_record_valid", MetricType::Gauge, "domain",
   "1 when exactly one valid _smtp._tls TLS-RPT record was found" FROM_SCHEDULE},
  {tlsrpt_sessions_total, "mtasts_tlsrpt_sessions_total", MetricType::Counter, "domain,reporter,policy_type,result",
   "Sessions senders reported in TLS-RPT reports received since the agent started, by reporter (the first 10 per domain, "
   "then other), applied policy (sts, tlsa, no-policy-found) and result (success, failure)"},
  {tlsrpt_failed_sessions_total, "mtasts_tlsrpt_failed_sessions_total", MetricType::Counter, "domain,reporter,result_type,mx",
   "Failed sessions senders reported since the agent started, by RFC 8460 result type (other for the rest) and "
   "receiving MX (a host of the domain's MX set or policy, else other)"},
  {tlsrpt_last_report_end_timestamp_seconds, "mtasts_tlsrpt_last_report_end_timestamp_seconds", MetricType::Gauge,
   "domain,reporter", "End of the period of the newest TLS-RPT report from the reporter received since the agent started"},
  {cert_not_after_timestamp_seconds, "mtasts_cert_not_after_timestamp_seconds", MetricType::Gauge, "domain,host,role",
   "Expiry of the certificate a policy host (role=policy) or MX host (role=mx) presented, the earliest over its "
   "addresses; exported even when verification failed" FROM_SCHEDULE},
  {cert_valid, "mtasts_cert_valid", MetricType::Gauge, "domain,host,role",
   "1 when the certificate of every address of the host verified (trusted chain, name, dates)" FROM_SCHEDULE},
  {mx_policy_match, "mtasts_mx_policy_match", MetricType::Gauge, "domain,mx",
   "1 when an mx pattern of the policy covers the MX host" FROM_SCHEDULE},
  {mx_starttls_success, "mtasts_mx_starttls_success", MetricType::Gauge, "domain,mx,family",
   "1 when STARTTLS and the TLS handshake succeeded on every address of the MX host in that family (ipv4, ipv6)" FROM_SCHEDULE},
  {mx_tls_version_info, "mtasts_mx_tls_version_info", MetricType::Gauge, "domain,mx,version",
   "1 for each TLS version an MX host negotiated" FROM_SCHEDULE},
  {dnssec_status, "mtasts_dnssec_status", MetricType::Gauge, "domain,status",
   "1, with the DNSSEC status (secure, insecure, bogus) of the domain's MX records as validating senders see "
   "them; absent when DANE is not checked or the lookup failed" FROM_SCHEDULE},
  {mx_dnssec_status, "mtasts_mx_dnssec_status", MetricType::Gauge, "domain,mx,status",
   "1, with the DNSSEC status of the MX host's address and TLSA records (secure when both are, bogus when "
   "either is); absent when DANE is not checked or the lookups failed" FROM_SCHEDULE},
  {mx_tlsa_usable_records, "mtasts_mx_tlsa_usable_records", MetricType::Gauge, "domain,mx",
   "TLSA records at _25._tcp.<mx> that DANE senders use (DNSSEC-secure, usage 2 or 3); 0 when there are "
   "none or they are not secure" FROM_SCHEDULE},
  {mx_tlsa_match, "mtasts_mx_tlsa_match", MetricType::Gauge, "domain,mx",
   "1 when the certificate chain of every probed address of the MX host matches a usable TLSA record, 0 when "
   "one does not; absent where DANE does not apply or no chain was seen" FROM_SCHEDULE},
  {sender_policy, "mtasts_sender_policy", MetricType::Gauge, "domain,sender,policy",
   "1, with the policy that senders of a kind apply: sender=dane (DANE senders, e.g. Postfix) or mta-sts "
   "(MTA-STS senders, e.g. Gmail); policy=dane, enforce, testing or none" FROM_SCHEDULE},
  {sender_delivers, "mtasts_sender_delivers", MetricType::Gauge, "domain,sender",
   "1 when senders of the kind would deliver to some MX host under the policy they apply, 0 when they would "
   "defer; absent when unknown (MX hosts not probed, port 25 blocked)" FROM_SCHEDULE},
  {check_duration_seconds, "mtasts_check_duration_seconds", MetricType::Gauge, "domain",
   "How long the domain's check took" FROM_SCHEDULE},
  {check_last_run_timestamp_seconds, "mtasts_check_last_run_timestamp_seconds", MetricType::Gauge, "domain",
   "When the domain's latest check started" FROM_SCHEDULE},

  {agent_build_info, "mtasts_agent_build_info", MetricType::Gauge, "version,compiler",
   "1, with the agent's version and the compiler that built it"},
  {agent_domains, "mtasts_agent_domains", MetricType::Gauge, "",
   "Domains this agent (this shard) is configured to check"},
  {agent_domains_checked, "mtasts_agent_domains_checked", MetricType::Gauge, "",
   "Domains of this agent that have been checked at least once"},
  {agent_checks_total, "mtasts_agent_checks_total", MetricType::Counter, "",
   "Domain checks finished"},
  {agent_check_failures_total, "mtasts_agent_check_failures_total", MetricType::Counter, "",
   "Domain checks that ended with the verdict fail or unknown"},
  {agent_checks_in_flight, "mtasts_agent_checks_in_flight", MetricType::Gauge, "",
   "Domain checks running now"},
  {agent_check_concurrency_limit, "mtasts_agent_check_concurrency_limit", MetricType::Gauge, "",
   "The most domain checks that may run at once (config: concurrency)"},
  {agent_schedule_lag_seconds, "mtasts_agent_schedule_lag_seconds", MetricType::Gauge, "",
   "How long the most overdue domain has been waiting past its due time for a free check slot"},
  {agent_config_last_reload_successful, "mtasts_agent_config_last_reload_successful", MetricType::Gauge, "",
   "1 when the last configuration (re)load succeeded, 0 when it failed and the previous one is kept"},
  {agent_config_last_reload_success_timestamp_seconds, "mtasts_agent_config_last_reload_success_timestamp_seconds",
   MetricType::Gauge, "", "When the configuration was last loaded successfully"},
  {agent_shard_index, "mtasts_agent_shard_index", MetricType::Gauge, "",
   "This agent's shard (0-based)"},
  {agent_shards, "mtasts_agent_shards", MetricType::Gauge, "",
   "How many shards split the configured domains (--shard.total)"},
  {agent_state_save_failures_total, "mtasts_agent_state_save_failures_total", MetricType::Counter, "",
   "Failed writes to the state database under --storage.path"},
  {agent_smtp_probes_total, "mtasts_agent_smtp_probes_total", MetricType::Counter, "",
   "STARTTLS probes of MX addresses made (SMTP sessions opened)"},
  {agent_smtp_probes_shared_total, "mtasts_agent_smtp_probes_shared_total", MetricType::Counter, "",
   "MX address probes answered by another domain's probe of the same MX host (config: mx_probe_reuse)"},
  {agent_tlsrpt_reports_total, "mtasts_agent_tlsrpt_reports_total", MetricType::Counter, "source",
   "TLS-RPT reports taken from the report store, by how they came (https, mail, maildir, imap, file)"},
  {agent_tlsrpt_inputs_total, "mtasts_agent_tlsrpt_inputs_total", MetricType::Counter, "source,outcome",
   "Inputs the daemon's ways in received, by outcome: stored, duplicate, rejected (not a valid report, kept aside), "
   "refused (for no domain checked here, or over the rate limit), failed (store unavailable)"},
  {agent_port25_egress_up, "mtasts_agent_port25_egress_up", MetricType::Gauge, "",
   "1 when the agent's outbound port 25 works (a connection completed or was refused this round, or a canary answered), 0 when presumed blocked; absent before the first evidence"},
  {agent_dane_validation_up, "mtasts_agent_dane_validation_up", MetricType::Gauge, "",
   "1 when DANE's DNSSEC validation works (the trust anchor's zone validates), 0 when it does not and DANE "
   "is not checked; absent when DANE is off or before the first check"},
  {process_cpu_seconds_total, "process_cpu_seconds_total", MetricType::Counter, "",
   "Total user and system CPU time spent in seconds"},
  {process_resident_memory_bytes, "process_resident_memory_bytes", MetricType::Gauge, "",
   "Resident memory size in bytes"},
  {process_virtual_memory_bytes, "process_virtual_memory_bytes", MetricType::Gauge, "",
   "Virtual memory size in bytes"},
  {process_start_time_seconds, "process_start_time_seconds", MetricType::Gauge, "",
   "Start time of the process since unix epoch in seconds"},
  {process_open_fds, "process_open_fds", MetricType::Gauge, "", "Number of open file descriptors"},
  {process_max_fds, "process_max_fds", MetricType::Gauge, "", "Maximum number of open file descriptors"},
};
// clang-format on

#undef FROM_SCHEDULE

static_assert(std::size(kFamilies) == static_cast<std::size_t>(process_max_fds) + 1);

}  // namespace

std::span<const FamilySpec> metric_families() noexcept {
  return kFamilies;
}

const FamilySpec& spec(Family family) noexcept {
  return kFamilies[static_cast<std::size_t>(family)];
}

}  // namespace mtasts::metrics
