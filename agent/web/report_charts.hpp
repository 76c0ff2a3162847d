/// @file
/// @brief Pictures for the status page, drawn on the server as inline SVG: no JavaScript, no
/// network access, readable by people who run one mail server and no Grafana. Each bar has a
/// <title> (a tooltip) with its numbers.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "state/daily_verdicts.hpp"
#include "tlsrpt/report_store.hpp"

namespace mtasts::web {

/// Successful and failed sessions per UTC day, as senders reported them (by the day a report's
/// period starts), for the `days` days up to `now`: two rows of bars, each scaled to its own
/// largest day so that a few failures beside thousands of successes still show.
std::string daily_sessions_svg(const std::vector<tlsrpt::ReportSummary>& reports, std::time_t now,
                               int days = 30);

/// A square per day of the last 30, coloured by the day's worst verdict (grey: no check), the
/// newest on the right.
std::string verdict_strip_svg(const state::DailyVerdicts& days, std::time_t now);

/// One certificate on a countdown: whose it is and when it expires.
struct CertificateExpiry {
  std::string label;  ///< "mx mx1.example.org", or "example.org: policy mta-sts.example.org"
  std::time_t not_after = 0;
  bool verified = true;
};

/// A bar per certificate: the days left until it expires, on a 90-day scale (the lifetime of a
/// Let's Encrypt certificate), red under 3 days, orange under 14, green beyond; expired ones
/// are a red mark at zero. `id` names the picture for tests and links.
std::string expiry_countdown_svg(const std::vector<CertificateExpiry>& certificates,
                                 std::time_t now, std::string_view id);

}  // namespace mtasts::web
