/// @file
/// @brief One input in, whatever way it came (HTTPS, mail, a file): its reports found, validated
/// and stored, or the input kept aside with the reason. Shared by `tlsrpt ingest` and the
/// daemon's ways in, so every way accepts and refuses the same things.
#pragma once

#include <ctime>
#include <functional>
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
    refused,    ///< a valid report, but for no domain this agent accepts reports for
    failed,     ///< the store could not be written: try again later
  };
  Outcome outcome = Outcome::rejected;
  /// One line per report or problem, for a person ("stored report r1 from Org for
  /// example.org, 2026-11-29: 412 successful, 0 failed sessions").
  std::vector<std::string> lines;
  /// Why the input was rejected, refused or not stored, without local paths: what a remote
  /// sender may be told.
  std::string problem;
  std::vector<Report> stored;  ///< what was new
};

std::string_view to_string(IngestResult::Outcome outcome);

/// Which policy domains reports are taken for (the daemon's configured domains); none: all.
using DomainFilter = std::function<bool(std::string_view domain)>;

/// Finds, validates and stores the reports in `bytes`. `storage_dir` is where rejected inputs
/// are kept aside; `source` says how the input came ("https", "mail", "file"...). With a
/// filter, a report none of whose policy domains it accepts is refused, not stored.
IngestResult ingest(ReportStore& store, const std::string& storage_dir, std::string_view bytes,
                    InputFormat format, std::string_view source, std::time_t now,
                    const InputLimits& limits = {}, const DomainFilter& accept = {});

}  // namespace mtasts::tlsrpt
