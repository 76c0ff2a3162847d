/// @file
/// @brief The status pages a person reads: `/` lists every domain worst first with its
/// verdict, mode, policy id, earliest certificate expiry and active findings; `/domains/<d>`
/// shows one domain's last report in full and its recent checks. Plain server-rendered HTML
/// with inline CSS, so it works without JavaScript and behind any proxy.
#pragma once

#include <chrono>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "metrics/collector.hpp"
#include "state/domain_store.hpp"
#include "tlsrpt/report_store.hpp"

namespace mtasts::web {

struct PageContext {
  const state::DomainStore& store;
  const metrics::AgentStats& stats;
  std::string version;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  /// The domain's TLS-RPT reports whose period ended since the given time, newest first;
  /// unset without a report store.
  std::function<std::vector<tlsrpt::ReportSummary>(const std::string& domain, std::time_t since)>
      sender_reports{};
};

std::string render_status_page(const PageContext& context);

/// `next_check`: when the domain is due again (nullopt while it runs).
std::string render_domain_page(const PageContext& context, const std::string& domain,
                               const state::DomainEntry& entry,
                               std::optional<std::chrono::system_clock::time_point> next_check);

/// The earliest certificate expiry over the policy host's and every MX host's addresses.
std::optional<std::time_t> earliest_certificate_expiry(const probe::DomainReport& report);

/// Escapes text for HTML element content and attribute values.
std::string html_escape(std::string_view text);

}  // namespace mtasts::web
