#include "tlsrpt/recent_reports.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace mtasts::tlsrpt {
RecentReports summarize_recent(std::span<const ReportSummary> reports, std::time_t since) {
  RecentReports out;
  out.since = since;
  std::map<std::string, std::uint64_t> by_type;
  std::map<std::string, std::map<std::string, std::uint64_t>> hosts_by_type;
  std::map<std::string, std::uint64_t> by_reporter;
  std::int64_t last_row = -1;
  for (const auto& report : reports) {
    if (report.end < since) continue;
    if (report.row != last_row) {
      ++out.reports;
      last_row = report.row;
    }
    out.successful = saturating_add(out.successful, report.successful);
    out.failed = saturating_add(out.failed, report.failed);
    auto& reporter = by_reporter[report.organization];
    reporter = saturating_add(reporter, report.successful);
    reporter = saturating_add(reporter, report.failed);
    for (const auto& failure : report.failures) {
      auto& sessions = by_type[failure.result_type];
      sessions = saturating_add(sessions, failure.sessions);
      if (!failure.receiving_mx.empty()) {
        auto& host = hosts_by_type[failure.result_type][failure.receiving_mx];
        host = saturating_add(host, failure.sessions);
      }
    }
  }
  // Most sessions first, then by name: the same reports always read the same.
  const auto ranked = [](const std::map<std::string, std::uint64_t>& counts, std::size_t limit) {
    std::vector<std::pair<std::string, std::uint64_t>> list(counts.begin(), counts.end());
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    if (list.size() > limit) list.resize(limit);
    return list;
  };
  for (auto& [type, sessions] : ranked(by_type, RecentReports::kMaxTypes)) {
    if (sessions == 0) continue;
    RecentReports::Failures failures{type, sessions, {}};
    for (auto& [host, count] : ranked(hosts_by_type[type], RecentReports::kMaxHosts)) {
      failures.mx_hosts.push_back(host);
    }
    out.failures.push_back(std::move(failures));
  }
  for (auto& [name, sessions] : ranked(by_reporter, RecentReports::kMaxReporters)) {
    out.reporters.push_back(name);
  }
  return out;
}

}  // namespace mtasts::tlsrpt
