/// @file
/// @brief From facts to findings and a verdict: the one place that judges a check, a pure
/// function of a DomainReport's facts and the domain's policy history (no I/O), so every
/// rule is unit-testable with hand-made facts.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "probe/domain_report.hpp"
#include "probe/policy_change.hpp"

namespace mtasts::probe {

struct EvaluationOptions {
  /// A certificate that expires sooner than this draws *_cert_expiring.
  std::chrono::seconds expiry_warning{14 * 24 * 3600};
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  /// What earlier checks of the domain left for change detection (RFC 8461 §8.1); none on
  /// a domain's first check, and in `check`, which keeps no state.
  std::optional<PolicyHistory> previous{};
  /// The rua URIs that deliver TLS-RPT reports to this agent (config: tlsrpt_rua): a domain
  /// whose record names one expects reports here, and their absence is a finding.
  std::vector<std::string> own_rua{};
};

/// Fills report.findings, the statuses, each MX host's policy_match and the verdict, and
/// returns the policy history to keep for the domain's next check.
PolicyHistory evaluate(DomainReport& report, const EvaluationOptions& options);

/// A SYN-ACK or an RST came back from this probe's MX address: evidence that the agent's
/// outbound port 25 works, whatever the server did next.
bool reached_port25(const net::SmtpProbe& probe);

/// fail when any finding is an error; otherwise unknown when a look was incomplete (a DNS
/// failure, port 25 blocked); otherwise warning when any finding is a warning; else ok.
Verdict verdict_of(const std::vector<Finding>& findings);

}  // namespace mtasts::probe
