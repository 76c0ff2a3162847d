/// @file
/// @brief The latest report per domain, a short history of results, and what change
/// detection remembers (README, "`serve`": state across restarts). Everything the web endpoints and
/// the metrics show is read from here. Used from the one event-loop thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "probe/domain_report.hpp"
#include "probe/policy_change.hpp"
#include "state/daily_verdicts.hpp"
#include "tlsrpt/sender_counters.hpp"

namespace mtasts::state {

/// One line of a domain's recent history, for the status page.
struct CheckSummary {
  std::int64_t at = 0;  ///< Unix seconds when the check started
  probe::Verdict verdict = probe::Verdict::unknown;
  double seconds = 0;
  std::vector<FindingCode> codes;  ///< the warning and error findings, report order
};

using Labels = std::map<std::string, std::string>;

struct DomainEntry {
  Labels labels;                                      ///< from the domain's target file group
  std::shared_ptr<const probe::DomainReport> report;  ///< null until checked once
  /// Newest first, at most kRecentChecks. A vector: an empty std::deque already allocates
  /// about 600 bytes, which is 6 MB at 10,000 domains.
  std::vector<CheckSummary> recent;
  std::optional<probe::PolicyHistory> history;
  /// The worst verdict of each of the last 30 days (kept in the state database).
  DailyVerdicts days;
  /// What senders reported (TLS-RPT) since the agent started; null until a report came.
  std::unique_ptr<tlsrpt::SenderCounters> senders;
  /// Reports that came before the domain's first check, counted once it has one: a failure's
  /// `mx` label names only the domain's own hosts, which only a check knows.
  std::vector<tlsrpt::ReportSummary> uncounted;
};

class DomainStore {
 public:
  static constexpr std::size_t kRecentChecks = 20;
  /// What one domain's stored report may hold, whatever its DNS and policy host serve
  /// (customers choose the domains): the change detection has already seen everything.
  static constexpr std::size_t kMaxKeptPolicyBody = 16 * 1024;  ///< of the first answer
  static constexpr std::size_t kMaxKeptTxtRecords = 10;
  static constexpr std::size_t kMaxKeptTxtBytes = 1024;  ///< per record
  static constexpr std::size_t kMaxKeptPatterns = 100;   ///< of the parsed policy
  /// Reports kept per domain until its first check; more are counted at once (mx "other").
  static constexpr std::size_t kMaxUncountedReports = 100;

  /// Stores an evaluated check and the policy history evaluate() returned for it; keeps a
  /// summary line for the recent checks.
  std::shared_ptr<const probe::DomainReport> record(probe::DomainReport report,
                                                    probe::PolicyHistory history);

  /// Forgets every domain not in `domains` (removed from the config, or now another shard's);
  /// adds an empty entry for each new one, so it is listed before its first check.
  void retain(const std::map<std::string, Labels>& domains);

  /// What the state database kept of a configured domain: its history, and its latest
  /// report, served at once (with its original check time) until the next check replaces
  /// it. Domains no longer configured are ignored.
  void restore(const std::string& domain, std::optional<probe::PolicyHistory> history,
               std::optional<probe::DomainReport> report,
               std::optional<DailyVerdicts> days = std::nullopt);

  /// Counts a stored TLS-RPT report for its domain (before the domain's first check, when
  /// that check comes); false when the domain is not configured here (its report stays in the
  /// report store, but is not counted).
  bool add_sender_report(const tlsrpt::ReportSummary& report);

  const std::map<std::string, DomainEntry>& entries() const { return entries_; }
  const DomainEntry* find(const std::string& domain) const;
  std::size_t checked_count() const { return checked_; }
  /// Changes with every record, retain and restore: equal generations, equal contents.
  std::uint64_t generation() const { return generation_; }

 private:
  static void add_summary(DomainEntry& entry, const probe::DomainReport& report);
  void count_sender_report(DomainEntry& entry, const tlsrpt::ReportSummary& report);
  void count_uncounted(DomainEntry& entry);
  /// Makes equal TLS facts of the kept reports one object (net::SharedTlsFacts).
  void intern_tls(probe::DomainReport& report);
  net::SharedTlsFacts intern(const net::SharedTlsFacts& facts);

  std::map<std::string, DomainEntry> entries_;
  /// The TLS facts kept, by a hash of their certificate, version and cipher; entries whose
  /// facts no report holds any more are swept when the table has doubled.
  std::unordered_multimap<std::size_t, std::weak_ptr<const net::TlsFacts>> tls_pool_;
  std::size_t tls_pool_swept_size_ = 0;
  std::size_t checked_ = 0;  ///< entries with a report
  std::uint64_t generation_ = 0;
};

}  // namespace mtasts::state
