/// @file
/// @brief The TLS-RPT reports received, in SQLite: `tlsrpt.db` under --storage.path, beside the
/// state database. Written by the daemon (HTTPS, Maildir, IMAP) and by `tlsrpt ingest` (a mail
/// server's pipe, a cron job) alike, so it takes no agent lock: SQLite's WAL serializes the
/// writers. Reports are deduplicated by organization and report-id (senders resend) and kept
/// for a retention period. Sending IPs are kept here and nowhere else.
///
/// Inputs that are not reports are kept aside as files under tlsrpt-rejected/ for a look (the
/// newest kRejectedKept), each with a .reason file beside it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "mtasts/tlsrpt_report.hpp"

namespace mtasts::tlsrpt {

inline constexpr std::string_view kReportDatabaseFileName = "tlsrpt.db";
inline constexpr std::string_view kRejectedDirName = "tlsrpt-rejected";
inline constexpr std::size_t kRejectedKept = 100;

/// One report as it concerns one domain and one applied policy: the summary and the failures
/// grouped by result type and receiving MX (sending IPs left out).
struct ReportSummary {
  std::int64_t row = 0;  ///< the report's row: increases with every report stored
  std::string organization;
  std::string report_id;
  std::time_t start = 0;
  std::time_t end = 0;
  std::time_t received = 0;
  std::string source;  ///< how it came: https, mail, maildir, imap, file
  std::string domain;
  std::string policy_type;  ///< "sts", "tlsa", "no-policy-found"
  std::uint64_t successful = 0;
  std::uint64_t failed = 0;
  struct Failure {
    std::string result_type;   ///< as sent
    std::string receiving_mx;  ///< may be empty
    std::uint64_t sessions = 0;
  };
  std::vector<Failure> failures;
};

class ReportStore {
 public:
  /// Opens (or creates) DIR/tlsrpt.db. `busy_timeout_ms`: how long a write waits for another
  /// writer (short in the daemon, whose loop it blocks; longer in `tlsrpt ingest`).
  static Result<std::unique_ptr<ReportStore>> open(const std::string& dir, int busy_timeout_ms);

  ~ReportStore();
  ReportStore(const ReportStore&) = delete;
  ReportStore& operator=(const ReportStore&) = delete;

  enum class Added { stored, duplicate };
  /// Stores a validated report and the JSON it came as. A report already stored (the same
  /// organization-name and report-id) is a duplicate and changes nothing.
  Result<Added> add(const Report& report, std::string_view json, std::string_view source,
                    std::time_t received);

  /// The domain's reports whose period ended at or after `since`, newest first.
  Result<std::vector<ReportSummary>> reports_for(std::string_view domain, std::time_t since);

  /// Reports stored after row `after` (oldest first, at most `limit` reports): how the daemon
  /// learns of what `tlsrpt ingest` added.
  Result<std::vector<ReportSummary>> added_after(std::int64_t after, std::size_t limit);

  /// For every domain with a stored report, the end of its newest report's period.
  Result<std::map<std::string, std::time_t>> latest_ends();

  /// The newest report's row, 0 when there is none.
  Result<std::int64_t> last_row();

  /// The last row a reader (`name`) has taken, 0 before the first; kept across restarts, so
  /// the reports stored while the daemon was down are taken when it is back.
  Result<std::int64_t> cursor(std::string_view name);
  Result<void> set_cursor(std::string_view name, std::int64_t row);

  /// Deletes the reports whose period ended before `cutoff` (retention); how many.
  Result<std::size_t> forget_ended_before(std::time_t cutoff);

 private:
  struct Handles;
  explicit ReportStore(std::unique_ptr<Handles> handles);
  Result<std::vector<ReportSummary>> summaries(sqlite3_stmt* rows);
  std::unique_ptr<Handles> handles_;
};

/// Keeps what could not be read as a report under DIR/tlsrpt-rejected/ (the bytes as they came,
/// and `<name>.reason`), removing the oldest beyond kRejectedKept; the file's path.
Result<std::string> keep_rejected(const std::string& dir, std::string_view bytes,
                                  std::string_view reason, std::string_view source,
                                  std::time_t now);

}  // namespace mtasts::tlsrpt
