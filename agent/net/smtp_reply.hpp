/// @file
/// @brief SMTP replies (RFC 5321 §4.2): "250-first line", ..., "250 last line", read from a
/// byte stream with limits. Pure code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtasts::net {

struct SmtpReply {
  int code = 0;
  std::vector<std::string> lines;  ///< the text after "NNN-" / "NNN " of each line

  /// The EHLO keywords (RFC 5321 §4.1.1.1): the first word of every line but the
  /// greeting, in upper case.
  std::vector<std::string> ehlo_keywords() const;
  bool has_keyword(std::string_view keyword) const;
};

enum class SmtpReplyError : std::uint8_t {
  none,
  malformed,    ///< not "NNN" followed by '-', ' ' or the end of the line
  mixed_codes,  ///< the lines of one reply carry different codes
  line_too_long,
  too_many_lines,
};

std::string_view to_string(SmtpReplyError error) noexcept;

struct SmtpLimits {
  std::size_t max_line = 2048;  ///< RFC 5321 §4.5.3.1.5 says 512; servers exceed it
  std::size_t max_lines = 100;
};

class SmtpReplyReader {
 public:
  explicit SmtpReplyReader(SmtpLimits limits = {}) : limits_(limits) {}

  /// Feeds bytes. Returns true once a whole reply (or an error) is ready to take.
  bool feed(std::string_view data);
  /// The next complete reply, if any; keeps the bytes after it for the next reply.
  std::optional<SmtpReply> take();
  SmtpReplyError error() const noexcept { return error_; }
  /// True when anything was received after the last reply taken (must be false before
  /// STARTTLS starts TLS: what the server sent early would be read as if under TLS).
  bool has_pending() const noexcept {
    return !buffer_.empty() || ready_.has_value() || !current_.lines.empty();
  }

 private:
  bool parse();

  SmtpLimits limits_;
  std::string buffer_;
  SmtpReply current_;
  std::optional<SmtpReply> ready_;
  SmtpReplyError error_ = SmtpReplyError::none;
};

}  // namespace mtasts::net
