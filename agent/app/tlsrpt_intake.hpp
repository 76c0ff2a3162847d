/// @file
/// @brief The daemon's side of the report store: takes the reports stored since it last looked
/// (by any way in, `tlsrpt ingest` included) and counts them for their domains, and forgets
/// reports past the retention period.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>
#include <asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "tlsrpt/imap_mailbox.hpp"
#include "tlsrpt/ingest.hpp"
#include "tlsrpt/recent_reports.hpp"
#include "tlsrpt/report_store.hpp"

namespace mtasts::app {

class TlsRptIntake {
 public:
  /// `count` gets every report summary taken (one per report, domain and policy type);
  /// `taken` once per report, with its source.
  TlsRptIntake(asio::any_io_executor executor, std::unique_ptr<tlsrpt::ReportStore> store,
               std::chrono::milliseconds retention,
               std::function<void(const tlsrpt::ReportSummary&)> count,
               std::function<void(const std::string& source)> taken);

  /// The store, for the daemon's ways in (the HTTPS receiver) to write to.
  tlsrpt::ReportStore& store() { return *store_; }

  /// Also takes the messages delivered to this Maildir, each look (`storage_dir`: where
  /// rejected inputs are kept aside; `outcome`: every message's).
  void watch_maildir(std::string maildir, std::string storage_dir, tlsrpt::DomainFilter accept,
                     std::function<void(tlsrpt::IngestResult::Outcome)> outcome);

  /// Also polls this IMAP mailbox (every minute, on a worker thread: libcurl blocks), takes
  /// each unseen message, moves taken ones to the processed folder and leaves the others
  /// unseen for the next poll.
  void watch_imap(tlsrpt::ImapOptions options, std::string storage_dir, tlsrpt::DomainFilter accept,
                  std::function<void(tlsrpt::IngestResult::Outcome)> outcome);

  /// Looks every few seconds until stop().
  asio::awaitable<void> run();
  void stop();

  /// Takes what was stored since the last look (at most a batch); how many reports.
  std::size_t take_new();

  /// What senders reported for `domain` in the last days (tlsrpt::kRecentReportsWindow) and
  /// when its newest report ended, for evaluate(); the store is read only when a report of the
  /// window is there.
  tlsrpt::RecentReports recent(const std::string& domain, std::time_t now);

 private:
  void forget_old();
  void take_maildir();
  asio::awaitable<void> poll_imap();

  std::unique_ptr<tlsrpt::ReportStore> store_;
  std::chrono::milliseconds retention_;
  std::function<void(const tlsrpt::ReportSummary&)> count_;
  std::function<void(const std::string&)> taken_;
  asio::steady_timer timer_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point next_forget_{};
  /// The end of each domain's newest stored report: decides whether recent() needs to look.
  std::map<std::string, std::time_t> latest_end_;
  struct Maildir {
    std::string dir;
    std::string storage_dir;
    tlsrpt::DomainFilter accept;
    std::function<void(tlsrpt::IngestResult::Outcome)> outcome;
  };
  std::optional<Maildir> maildir_;
  struct Imap {
    std::unique_ptr<tlsrpt::ImapMailbox> mailbox;  ///< used on the worker thread only
    std::string storage_dir;
    tlsrpt::DomainFilter accept;
    std::function<void(tlsrpt::IngestResult::Outcome)> outcome;
  };
  std::optional<Imap> imap_;
  asio::steady_timer imap_timer_;
  /// libcurl's blocking calls run here, never on the event loop.
  asio::thread_pool imap_worker_{1};
};

}  // namespace mtasts::app
