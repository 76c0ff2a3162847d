/// @file
/// @brief An incremental HTTP/1.1 response parser with hard limits, for the policy fetch
/// (RFC 8461 §3.3). Pure code: bytes in, a response or a specific error out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mtasts::net {

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names in lower case
  std::string body;
  bool chunked = false;

  /// The first header with this (lower-case) name.
  std::optional<std::string_view> header(std::string_view name) const;
};

enum class HttpError : std::uint8_t {
  none,
  bad_status_line,    ///< not "HTTP/1.x NNN reason"
  bad_header,         ///< a header line without ':' or with a bad name
  headers_too_large,  ///< status line and headers above the limit
  too_many_headers,
  bad_content_length,
  bad_chunk,       ///< malformed chunked encoding
  body_too_large,  ///< the body is above the limit (the first bytes are kept)
  truncated,       ///< the connection closed before the response was complete
};

std::string_view to_string(HttpError error) noexcept;

struct HttpLimits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_headers = 100;
  std::size_t max_body_bytes = 64 * 1024;  ///< RFC 8461 §3.3 suggests 64 KiB for policies
};

class HttpResponseParser {
 public:
  explicit HttpResponseParser(HttpLimits limits = {}) : limits_(limits) {}

  /// Feeds bytes as they arrive. Returns true once the response is complete or an error
  /// ended it; further input is then ignored.
  bool feed(std::string_view data);
  /// The peer closed the connection: completes a body that runs until close, or sets
  /// `truncated`.
  void finish();

  bool done() const noexcept { return state_ == State::done; }
  HttpError error() const noexcept { return error_; }
  const HttpResponse& response() const noexcept { return response_; }
  HttpResponse& response() noexcept { return response_; }

 private:
  enum class State {
    status_line,
    headers,
    body_length,
    body_until_close,
    chunk_size,
    chunk_data,
    chunk_data_end,
    trailers,
    done
  };

  bool fail(HttpError error);
  bool parse_status_line(std::string_view line);
  bool parse_header(std::string_view line);
  bool start_body();
  bool append_body(std::string_view data);
  /// Moves up to remaining_ buffered bytes into the body; at zero, goes to `next`.
  bool consume_counted(State next);
  /// The next line of buffer_ (without CRLF or LF), or nullopt when none is complete yet.
  std::optional<std::string> take_line();
  /// The same for the header block (status line, fields, trailers), counted against the
  /// header limit; nullopt also when the limit is passed (then the parser is done).
  std::optional<std::string> take_header_line();

  HttpLimits limits_;
  State state_ = State::status_line;
  HttpError error_ = HttpError::none;
  HttpResponse response_;
  std::string buffer_;
  std::size_t header_bytes_ = 0;
  std::uint64_t remaining_ = 0;  ///< of the Content-Length body, or of the current chunk
};

}  // namespace mtasts::net
