#include "web/report_charts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

#include "common/time.hpp"

namespace mtasts::web {
namespace {

constexpr int kWidth = 640;
constexpr int kRowHeight = 50;
constexpr int kLeft = 90;  ///< room for the row labels

}  // namespace

std::string daily_sessions_svg(const std::vector<tlsrpt::ReportSummary>& reports, std::time_t now,
                               int days) {
  const std::time_t today = now / 86400 * 86400;
  const std::time_t first = today - static_cast<std::time_t>(days - 1) * 86400;
  std::vector<std::uint64_t> ok(static_cast<std::size_t>(days)),
      failed(static_cast<std::size_t>(days));
  for (const auto& r : reports) {
    if (r.start < first || r.start >= today + 86400) continue;
    const auto day = static_cast<std::size_t>((r.start - first) / 86400);
    ok[day] += r.successful;
    failed[day] += r.failed;
  }
  const auto most_ok = std::max<std::uint64_t>(1, *std::max_element(ok.begin(), ok.end()));
  const auto most_failed =
      std::max<std::uint64_t>(1, *std::max_element(failed.begin(), failed.end()));
  const double slot = static_cast<double>(kWidth - kLeft) / days;
  std::string svg = fmt::format(
      "<svg class=\"chart\" id=\"sessions-chart\" xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" aria-label=\"sessions "
      "senders reported per day\">\n",
      kWidth, 2 * kRowHeight + 30);
  svg += fmt::format(
      "<text x=\"0\" y=\"{}\" class=\"axis\">successful</text>"
      "<text x=\"0\" y=\"{}\" class=\"axis muted\">max {}</text>\n"
      "<text x=\"0\" y=\"{}\" class=\"axis\">failed</text>"
      "<text x=\"0\" y=\"{}\" class=\"axis muted\">max {}</text>\n",
      kRowHeight / 2, kRowHeight / 2 + 14,
      ok == std::vector<std::uint64_t>(ok.size()) ? 0 : most_ok, kRowHeight + 10 + kRowHeight / 2,
      kRowHeight + 10 + kRowHeight / 2 + 14,
      failed == std::vector<std::uint64_t>(failed.size()) ? 0 : most_failed);
  for (int d = 0; d < days; ++d) {
    const auto i = static_cast<std::size_t>(d);
    const double x = kLeft + d * slot;
    const std::string date = utc_date(first + static_cast<std::time_t>(d) * 86400);
    const double ok_height =
        static_cast<double>(ok[i]) / static_cast<double>(most_ok) * (kRowHeight - 4);
    const double failed_height =
        static_cast<double>(failed[i]) / static_cast<double>(most_failed) * (kRowHeight - 4);
    // A day without sessions gets a hairline, so the axis reads as days.
    svg += fmt::format(
        "<rect class=\"ok\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
        "<title>{}: {} successful</title></rect>\n",
        x + 1, kRowHeight - std::max(ok_height, 1.0), slot - 2, std::max(ok_height, 1.0), date,
        ok[i]);
    svg += fmt::format(
        "<rect class=\"{}\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{:.1f}\">"
        "<title>{}: {} failed</title></rect>\n",
        failed[i] > 0 ? "failed" : "none", x + 1, kRowHeight + 10, slot - 2,
        std::max(failed_height, 1.0), date, failed[i]);
  }
  // The first, middle and last day; the last one ends at the right edge.
  for (int d : {0, days / 2, days - 1}) {
    const bool last = d == days - 1;
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"axis\"{}>{}</text>\n",
                       last ? kWidth - 2.0 : kLeft + d * slot, 2 * kRowHeight + 26,
                       last ? " text-anchor=\"end\"" : "",
                       utc_date(first + static_cast<std::time_t>(d) * 86400));
  }
  svg += "</svg>\n";
  return svg;
}

std::string verdict_strip_svg(const state::DailyVerdicts& days, std::time_t now) {
  constexpr int kCell = 18;
  constexpr int kGap = 3;
  constexpr int n = state::DailyVerdicts::kDays;
  const int width = n * (kCell + kGap);
  std::string svg = fmt::format(
      "<svg class=\"chart strip\" id=\"verdict-strip\" xmlns=\"http://www.w3.org/2000/svg\" "
      "width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
      "aria-label=\"the worst verdict of each of the last {2} days\">\n",
      width, kCell + 18, n);
  const std::time_t today = now / 86400 * 86400;
  for (int i = 0; i < n; ++i) {
    const std::time_t day = today - static_cast<std::time_t>(n - 1 - i) * 86400;
    const auto verdict = days.on(day);
    const std::string name = verdict ? std::string(probe::to_string(*verdict)) : "none";
    svg += fmt::format(
        "<rect class=\"d-{}\" x=\"{}\" y=\"0\" width=\"{}\" height=\"{}\" rx=\"2\">"
        "<title>{}: {}</title></rect>\n",
        name, i * (kCell + kGap), kCell, kCell, utc_date(day),
        verdict ? name : std::string("no check"));
  }
  svg += fmt::format(
      "<text x=\"0\" y=\"{0}\" class=\"axis\">{1}</text>"
      "<text x=\"{2}\" y=\"{0}\" class=\"axis\" text-anchor=\"end\">today</text>\n",
      kCell + 14, utc_date(today - static_cast<std::time_t>(n - 1) * 86400), width - kGap);
  return svg + "</svg>\n";
}

std::string expiry_countdown_svg(const std::vector<CertificateExpiry>& certificates,
                                 std::time_t now, std::string_view id) {
  constexpr int kRow = 22;
  constexpr int kLabel = 280;
  constexpr double kScaleDays = 90;
  const int height = static_cast<int>(certificates.size()) * kRow + 24;
  std::string svg = fmt::format(
      "<svg class=\"chart\" id=\"{0}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{1}\" "
      "height=\"{2}\" viewBox=\"0 0 {1} {2}\" role=\"img\" aria-label=\"days until each "
      "certificate expires\">\n",
      id, kWidth, height);
  const double span = kWidth - kLabel - 60;
  for (std::size_t i = 0; i < certificates.size(); ++i) {
    const auto& c = certificates[i];
    const double days_left = static_cast<double>(c.not_after - now) / 86400;
    const double y = static_cast<double>(i) * kRow + 4;
    const char* tone = days_left < 3 ? "failed" : days_left < 14 ? "soon" : "ok";
    const double width = std::clamp(days_left, 0.0, kScaleDays) / kScaleDays * span;
    const std::string left = days_left < 0 ? fmt::format("expired {:.0f} d ago", -days_left)
                                           : fmt::format("{:.0f} d", days_left);
    std::string label = c.label.size() > 44 ? c.label.substr(0, 43) + "…" : c.label;
    std::string escaped;
    for (const char ch : label) {
      escaped += ch == '<' ? "&lt;" : ch == '>' ? "&gt;" : ch == '&' ? "&amp;" : std::string(1, ch);
    }
    svg += fmt::format(
        "<text x=\"0\" y=\"{:.0f}\" class=\"axis\">{}</text>"
        "<rect class=\"{}\" x=\"{}\" y=\"{:.0f}\" width=\"{:.1f}\" height=\"{}\">"
        "<title>{}: expires {} ({}){}</title></rect>"
        "<text x=\"{:.1f}\" y=\"{:.0f}\" class=\"axis\">{}</text>\n",
        y + 13, escaped, tone, kLabel, y, std::max(width, 2.0), kRow - 8, escaped,
        rfc3339(c.not_after), left, c.verified ? "" : ", not verified",
        kLabel + std::max(width, 2.0) + 4, y + 13, left);
  }
  for (int d : {0, 30, 60, 90}) {
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"axis muted\">{} d</text>\n",
                       kLabel + d / kScaleDays * span, height - 4, d);
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace mtasts::web
