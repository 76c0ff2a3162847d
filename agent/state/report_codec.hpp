/// @file
/// @brief A DomainReport as stored between restarts, and back: every fact the metrics, the
/// status page and the API show, so a restarted agent serves each domain's latest report at
/// once (with its original check time) until the next check replaces it. Not the `check
/// --json` contract (that one is for people and scripts and leaves facts out); a format of
/// its own, versioned: a report of another version is not read (the domain is simply checked
/// again), never misread.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "probe/domain_report.hpp"
#include "probe/policy_change.hpp"

namespace mtasts::state {

/// Bumped whenever the encoding or an enum it stores changes.
inline constexpr int kReportFormat = 1;

/// The report as the state database stores it: JSON text, written straight from the report
/// (no tree in between: this runs for every finished check), every byte that is not UTF-8
/// as U+FFFD.
std::string report_text(const probe::DomainReport& report);
/// report_text(), parsed: what decode_report reads (tests, the fuzzer).
nlohmann::json encode_report(const probe::DomainReport& report);

/// The report, or why `stored` is not a report of kReportFormat: a newer or older format,
/// a damaged row.
Result<probe::DomainReport> decode_report(const nlohmann::json& stored);

std::string history_text(const probe::PolicyHistory& history);
nlohmann::json encode_history(const probe::PolicyHistory& history);
Result<probe::PolicyHistory> decode_history(const nlohmann::json& stored);

}  // namespace mtasts::state
