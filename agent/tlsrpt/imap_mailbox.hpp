/// @file
/// @brief The IMAP way in for TLS-RPT reports: the mailbox the `rua=mailto:` address delivers
/// to, on a mail server the agent logs in to (libcurl's IMAP). Calls block (libcurl's easy
/// interface), so the daemon makes them on a worker thread of their own, never on the event
/// loop; each has a timeout.
///
/// Unseen messages are fetched (which marks them seen); a message whose report was taken is
/// moved to a folder of its own, one that could not be taken yet is marked unseen again for the
/// next poll.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace mtasts::tlsrpt {

struct ImapOptions {
  /// imaps://HOST[:PORT]/MAILBOX, or imap://... with STARTTLS (required: passwords never go in
  /// the clear).
  std::string url;
  std::string user;
  std::string password;
  /// Where taken messages go; created when missing.
  std::string processed_folder = "TLSRPT-processed";
  std::string ca_file;  ///< empty: the system's CAs
  std::chrono::seconds timeout{60};
  std::size_t max_message_bytes = 16u << 20;
  std::size_t max_messages = 100;  ///< per poll
};

/// Checks an IMAP URL as --tlsrpt.imap.url takes it: imap:// or imaps://, a host and a
/// mailbox; says what is wrong.
Result<void> validate_imap_url(const std::string& url);

class ImapMailbox {
 public:
  explicit ImapMailbox(ImapOptions options);
  ~ImapMailbox();
  ImapMailbox(const ImapMailbox&) = delete;
  ImapMailbox& operator=(const ImapMailbox&) = delete;

  /// The UIDs of the unseen messages, oldest first, at most max_messages.
  Result<std::vector<std::uint64_t>> unseen();
  /// The whole message (RFC 5322); the server marks it seen.
  Result<std::string> fetch(std::uint64_t uid);
  /// Moves the message to the processed folder (created when missing).
  Result<void> file_away(std::uint64_t uid);
  /// Marks the message unseen again, for the next poll.
  Result<void> mark_unseen(std::uint64_t uid);

  /// Makes the request running now (on another thread) and every later one fail at once: for
  /// a daemon that stops.
  void cancel() { cancelled_ = true; }

 private:
  /// Runs one request: `command` (a custom command, or empty for a fetch of `url`); its output.
  Result<std::string> perform(const std::string& url, const std::string& command);

  ImapOptions options_;
  struct Handle;
  std::unique_ptr<Handle> handle_;  ///< one connection, reused between requests
  bool folder_ready_ = false;
  std::atomic<bool> cancelled_{false};
};

}  // namespace mtasts::tlsrpt
