/// @file
/// @brief What senders reported for one domain, counted for Prometheus: sessions by reporter,
/// policy type and result, failed sessions by result type and receiving MX, and each
/// reporter's latest report. Labels stay bounded whatever reporters send: at most
/// kMaxReporters named reporters per domain (the rest are "other"), the RFC's result types
/// (the rest "other"), and only the domain's own MX hosts (the rest "other"). Sending IPs are
/// never counted here.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

#include "tlsrpt/report_store.hpp"

namespace mtasts::tlsrpt {

class SenderCounters {
 public:
  static constexpr std::size_t kMaxReporters = 10;
  static constexpr std::size_t kMaxReporterLength = 64;
  /// Failure series (reporter, result type, MX) per domain; beyond, new ones are counted as
  /// reporter "other" and MX "other" (at most 12 more: one per result type).
  static constexpr std::size_t kMaxFailureSeries = 100;

  /// Counts one stored report's view of the domain. `is_domain_host` says whether a receiving
  /// MX is one of the domain's (its MX set or its policy's patterns).
  void add(const ReportSummary& report,
           const std::function<bool(std::string_view)>& is_domain_host);

  /// (reporter, policy type, "success" or "failure") -> sessions.
  using SessionKey = std::tuple<std::string, std::string, std::string>;
  /// (reporter, result type, receiving MX) -> failed sessions.
  using FailureKey = std::tuple<std::string, std::string, std::string>;
  const std::map<SessionKey, std::uint64_t>& sessions() const { return sessions_; }
  const std::map<FailureKey, std::uint64_t>& failures() const { return failures_; }
  /// reporter -> the end of its newest report's period.
  const std::map<std::string, std::time_t>& last_report_end() const { return last_end_; }

 private:
  std::string reporter_label(std::string_view organization);
  std::map<SessionKey, std::uint64_t> sessions_;
  std::map<FailureKey, std::uint64_t> failures_;
  std::map<std::string, std::time_t> last_end_;
};

/// An organization name as a label value: control characters dropped, at most
/// kMaxReporterLength bytes (cut at a UTF-8 character boundary), "unnamed" when nothing is left.
std::string reporter_name(std::string_view organization);

}  // namespace mtasts::tlsrpt
