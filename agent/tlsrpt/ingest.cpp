#include "tlsrpt/ingest.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/time.hpp"

namespace mtasts::tlsrpt {
namespace {

std::string describe(const Report& report) {
  std::string domains;
  for (const auto& policy : report.policies) {
    if (domains.find(policy.domain) == std::string::npos) {
      domains += (domains.empty() ? "" : ", ") + policy.domain;
    }
  }
  return fmt::format("report {} from {} for {}, {}: {} successful, {} failed sessions",
                     report.report_id, report.organization, domains, utc_date(report.start),
                     successful_sessions(report), failed_sessions(report));
}

}  // namespace

std::string_view to_string(IngestResult::Outcome outcome) {
  switch (outcome) {
    case IngestResult::Outcome::stored: return "stored";
    case IngestResult::Outcome::duplicate: return "duplicate";
    case IngestResult::Outcome::rejected: return "rejected";
    case IngestResult::Outcome::refused: return "refused";
    case IngestResult::Outcome::failed: return "failed";
  }
  return "failed";
}

IngestResult ingest(ReportStore& store, const std::string& storage_dir, std::string_view bytes,
                    InputFormat format, std::string_view source, std::time_t now,
                    const InputLimits& limits, const DomainFilter& accept) {
  IngestResult result;
  const auto reject = [&](const std::string& reason) {
    result.outcome = IngestResult::Outcome::rejected;
    result.problem = "not a valid report: " + reason;
    const auto kept = keep_rejected(storage_dir, bytes, reason, source, now);
    result.lines.push_back(
        kept ? fmt::format("not a valid report: {} (kept as {})", reason, *kept)
             : fmt::format("not a valid report: {} (and {})", reason, kept.error()));
    return result;
  };

  const auto texts = extract_reports(bytes, format, limits);
  if (!texts) return reject(texts.error());
  std::vector<std::pair<Report, const std::string*>> reports;
  for (const auto& text : *texts) {
    auto report = parse_report(text, {.max_json_bytes = limits.max_report_bytes});
    // One bad report refuses the input whole: a message is stored all or not at all, so
    // sending it again after a fix stores it complete.
    if (!report) return reject(report.error());
    if (accept && std::none_of(report->policies.begin(), report->policies.end(),
                               [&](const PolicyResult& p) { return accept(p.domain); })) {
      result.outcome = IngestResult::Outcome::refused;
      result.problem = fmt::format("report {} from {} is for no domain checked here",
                                   report->report_id, report->organization);
      result.lines.push_back(result.problem);
      return result;
    }
    reports.emplace_back(std::move(*report), &text);
  }
  bool any_new = false;
  for (auto& [report, text] : reports) {
    const auto added = store.add(report, *text, source, now);
    if (!added) {
      result.outcome = IngestResult::Outcome::failed;
      result.problem = "the report store is unavailable";
      result.lines.push_back(fmt::format("cannot store {}: {}", describe(report), added.error()));
      return result;
    }
    if (*added == ReportStore::Added::stored) {
      any_new = true;
      result.lines.push_back("stored " + describe(report));
      result.stored.push_back(std::move(report));
    } else {
      result.lines.push_back(
          fmt::format("already stored: report {} from {}", report.report_id, report.organization));
    }
  }
  result.outcome = any_new ? IngestResult::Outcome::stored : IngestResult::Outcome::duplicate;
  return result;
}

}  // namespace mtasts::tlsrpt
