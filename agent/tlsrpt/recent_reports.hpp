/// @file
/// @brief The reports of one domain's last days added up into the facts evaluate() judges
/// (RecentReports): pure, from the report store's summaries.
#pragma once

#include <ctime>
#include <span>

#include "mtasts/tlsrpt_report.hpp"
#include "tlsrpt/report_store.hpp"

namespace mtasts::tlsrpt {

/// How far back the senders' view goes: reports cover a UTC day (RFC 8460 §4.1) and arrive
/// within about a day of it, so two days hold the latest one or two of every reporter.
inline constexpr std::time_t kRecentReportsWindow = 2 * 86400;

/// Adds up `reports` (one domain's, whose period ended at or after `since`).
RecentReports summarize_recent(std::span<const ReportSummary> reports, std::time_t since);

}  // namespace mtasts::tlsrpt
