/// @file
/// @brief One input in, whatever way it came (HTTPS, mail, a file): its reports found, validated
/// and stored, or the input kept aside with the reason. Shared by `tlsrpt ingest` and the
/// daemon's ways in, so every way accepts and refuses the same things.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "tlsrpt/report_input.hpp"
#include "tlsrpt/report_store.hpp"

namespace mtasts::tlsrpt {

struct IngestResult {
  enum class Outcome {
    stored,     ///< at least one new report stored, none refused
    duplicate,  ///< every report was stored before
    rejected,   ///< not a report, or not a valid one: kept aside
    failed,     ///< the store could not be written: try again later
  };
  Outcome outcome = Outcome::rejected;
  /// One line per report or problem, for a person ("stored report r1 from Org for
  /// example.org, 2026-11-29: 412 successful, 0 failed sessions").
  std::vector<std::string> lines;
  std::vector<Report> stored;  ///< what was new
};

std::string_view to_string(IngestResult::Outcome outcome);

/// Finds, validates and stores the reports in `bytes`. `storage_dir` is where rejected inputs
/// are kept aside; `source` says how the input came ("https", "mail", "file"...).
IngestResult ingest(ReportStore& store, const std::string& storage_dir, std::string_view bytes,
                    InputFormat format, std::string_view source, std::time_t now,
                    const InputLimits& limits = {});

}  // namespace mtasts::tlsrpt
