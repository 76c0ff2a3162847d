#include "app/tlsrpt_intake.hpp"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include "common/duration.hpp"
#include "common/log.hpp"
#include "tlsrpt/maildir.hpp"

namespace mtasts::app {
namespace {

constexpr auto kLookEvery = std::chrono::seconds(5);
constexpr auto kForgetEvery = std::chrono::hours(1);
constexpr auto kImapEvery = std::chrono::minutes(1);
constexpr std::size_t kBatch = 1000;
/// The daemon's cursor in the store: the last report counted for the metrics.
constexpr std::string_view kCursor = "counted";

}  // namespace

TlsRptIntake::TlsRptIntake(asio::any_io_executor executor,
                           std::unique_ptr<tlsrpt::ReportStore> store,
                           std::chrono::milliseconds retention,
                           std::function<void(const tlsrpt::ReportSummary&)> count,
                           std::function<void(const std::string& source)> taken)
    : store_(std::move(store)),
      retention_(retention),
      count_(std::move(count)),
      taken_(std::move(taken)),
      timer_(executor),
      imap_timer_(std::move(executor)) {
  auto ends = store_->latest_ends();
  if (ends) {
    latest_end_ = std::move(*ends);
  } else {
    log::warn("cannot read the TLS-RPT report store", {{"err", ends.error()}});
  }
}

tlsrpt::RecentReports TlsRptIntake::recent(const std::string& domain, std::time_t now) {
  const auto it = latest_end_.find(domain);
  const std::time_t since = now - tlsrpt::kRecentReportsWindow;
  tlsrpt::RecentReports none;
  none.since = since;
  if (it != latest_end_.end()) none.latest_end = it->second;
  if (it == latest_end_.end() || it->second < since) return none;  // no query needed
  const auto reports = store_->reports_for(domain, since);
  if (!reports) {
    log::warn("cannot read the TLS-RPT report store", {{"err", reports.error()}});
    return none;
  }
  auto recent = tlsrpt::summarize_recent(*reports, since);
  recent.latest_end = it->second;
  return recent;
}

std::size_t TlsRptIntake::take_new() {
  const auto cursor = store_->cursor(kCursor);
  if (!cursor) {
    log::warn("cannot read the TLS-RPT report store", {{"err", cursor.error()}});
    return 0;
  }
  const auto summaries = store_->added_after(*cursor, kBatch);
  if (!summaries) {
    log::warn("cannot read the TLS-RPT report store", {{"err", summaries.error()}});
    return 0;
  }
  if (summaries->empty()) return 0;
  std::size_t reports = 0;
  std::int64_t last = *cursor;
  for (const auto& summary : *summaries) {
    if (summary.row != last) {
      ++reports;
      last = summary.row;
      taken_(summary.source);
      log::debug("TLS-RPT report taken", {{"organization", summary.organization},
                                          {"report_id", summary.report_id},
                                          {"source", summary.source}});
    }
    count_(summary);
    auto& end = latest_end_[summary.domain];
    end = std::max(end, summary.end);
  }
  // Taken even if the cursor cannot be written: counted again after a restart, never lost.
  if (auto saved = store_->set_cursor(kCursor, last); !saved) {
    log::warn("cannot write the TLS-RPT report cursor", {{"err", saved.error()}});
  }
  return reports;
}

void TlsRptIntake::watch_maildir(std::string maildir, std::string storage_dir,
                                 tlsrpt::DomainFilter accept,
                                 std::function<void(tlsrpt::IngestResult::Outcome)> outcome) {
  maildir_ =
      Maildir{std::move(maildir), std::move(storage_dir), std::move(accept), std::move(outcome)};
}

void TlsRptIntake::take_maildir() {
  if (!maildir_) return;
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  const auto messages = tlsrpt::take_maildir(*store_, maildir_->storage_dir, maildir_->dir, kBatch,
                                             now, maildir_->accept);
  for (const auto& message : messages) {
    maildir_->outcome(message.result.outcome);
    const std::string summary =
        message.result.lines.empty() ? std::string() : message.result.lines.front();
    using Outcome = tlsrpt::IngestResult::Outcome;
    if (message.result.outcome == Outcome::stored || message.result.outcome == Outcome::duplicate) {
      log::info("TLS-RPT message taken",
                {{"maildir", maildir_->dir}, {"message", message.name}, {"result", summary}});
    } else {
      log::warn("TLS-RPT message not taken",
                {{"maildir", maildir_->dir},
                 {"message", message.name},
                 {"outcome", std::string(to_string(message.result.outcome))},
                 {"problem", summary}});
    }
  }
}

void TlsRptIntake::watch_imap(tlsrpt::ImapOptions options, std::string storage_dir,
                              tlsrpt::DomainFilter accept,
                              std::function<void(tlsrpt::IngestResult::Outcome)> outcome) {
  imap_ = Imap{std::make_unique<tlsrpt::ImapMailbox>(std::move(options)), std::move(storage_dir),
               std::move(accept), std::move(outcome)};
}

asio::awaitable<void> TlsRptIntake::poll_imap() {
  using Outcome = tlsrpt::IngestResult::Outcome;
  struct Message {
    std::uint64_t uid = 0;
    Result<std::string> bytes;
    Outcome outcome = Outcome::failed;
  };
  tlsrpt::ImapMailbox& mailbox = *imap_->mailbox;
  // On the worker: the unseen messages, fetched.
  auto fetched = co_await asio::co_spawn(
      imap_worker_,
      [&mailbox]() -> asio::awaitable<Result<std::vector<Message>>> {
        const auto uids = mailbox.unseen();
        if (!uids) co_return failure(uids.error());
        std::vector<Message> messages;
        for (const auto uid : *uids) messages.push_back({uid, mailbox.fetch(uid)});
        co_return messages;
      },
      asio::use_awaitable);
  if (!fetched) {
    log::warn("cannot read the TLS-RPT IMAP mailbox", {{"err", fetched.error()}});
    co_return;
  }
  // Back on the loop, which owns the store: each message taken like any other input.
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  for (auto& message : *fetched) {
    if (message.bytes) {
      const auto result = tlsrpt::ingest(*store_, imap_->storage_dir, *message.bytes,
                                         tlsrpt::InputFormat::mail, "imap", now, {}, imap_->accept);
      message.outcome = result.outcome;
      imap_->outcome(result.outcome);
      if (result.outcome != Outcome::stored && result.outcome != Outcome::duplicate) {
        log::warn("TLS-RPT message not taken",
                  {{"imap_uid", std::to_string(message.uid)},
                   {"outcome", std::string(to_string(result.outcome))},
                   {"problem", result.lines.empty() ? "" : result.lines.front()}});
      }
    } else {
      // Unreadable (too large): kept aside like any input that is not a report.
      message.outcome = Outcome::rejected;
      imap_->outcome(Outcome::rejected);
      log::warn("TLS-RPT message not taken",
                {{"imap_uid", std::to_string(message.uid)}, {"problem", message.bytes.error()}});
    }
  }
  // On the worker again: taken messages filed away, the rest unseen for the next poll.
  const auto problems = co_await asio::co_spawn(
      imap_worker_,
      [&mailbox,
       &fetched]() -> asio::awaitable<std::vector<std::pair<std::uint64_t, std::string>>> {
        std::vector<std::pair<std::uint64_t, std::string>> out;
        for (const auto& message : *fetched) {
          const auto done = message.outcome == Outcome::failed ? mailbox.mark_unseen(message.uid)
                                                               : mailbox.file_away(message.uid);
          if (!done) out.emplace_back(message.uid, done.error());
        }
        co_return out;
      },
      asio::use_awaitable);
  for (const auto& [uid, problem] : problems) {  // logged here: the log is the loop's
    log::warn("cannot update the TLS-RPT IMAP mailbox",
              {{"imap_uid", std::to_string(uid)}, {"err", problem}});
  }
}

void TlsRptIntake::forget_old() {
  const auto now = std::chrono::system_clock::now();
  const auto cutoff = std::chrono::system_clock::to_time_t(
      now - std::chrono::duration_cast<std::chrono::system_clock::duration>(retention_));
  const auto forgotten = store_->forget_ended_before(cutoff);
  if (!forgotten) {
    log::warn("cannot delete old TLS-RPT reports", {{"err", forgotten.error()}});
  } else if (*forgotten > 0) {
    log::info(
        "TLS-RPT reports past retention deleted",
        {{"reports", std::to_string(*forgotten)}, {"retention", format_duration(retention_)}});
  }
}

asio::awaitable<void> TlsRptIntake::run() {
  if (imap_) {
    asio::co_spawn(
        imap_timer_.get_executor(),
        [this]() -> asio::awaitable<void> {
          while (!stopping_) {
            co_await poll_imap();
            if (stopping_) break;
            imap_timer_.expires_after(kImapEvery);
            co_await imap_timer_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
          }
        },
        log::on_exception("TLS-RPT IMAP mailbox"));
  }
  while (!stopping_) {
    if (std::chrono::steady_clock::now() >= next_forget_) {
      forget_old();
      next_forget_ = std::chrono::steady_clock::now() + kForgetEvery;
    }
    take_maildir();
    // A full batch: more are waiting, look again at once (after other work had its turn).
    const bool more = take_new() >= kBatch;
    timer_.expires_after(more ? std::chrono::seconds(0) : kLookEvery);
    co_await timer_.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  }
}

void TlsRptIntake::stop() {
  stopping_ = true;
  timer_.cancel();
  imap_timer_.cancel();
  if (imap_) imap_->mailbox->cancel();
}

}  // namespace mtasts::app
