#include "net/http_response.hpp"

#include <charconv>

#include "mtasts/text.hpp"

namespace mtasts::net {
namespace {

// RFC 9110 §5.6.2 token characters, for header names.
bool is_token_char(char c) noexcept {
  if (is_alnum(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
  }
}

}  // namespace

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string_view to_string(HttpError error) noexcept {
  switch (error) {
    case HttpError::none: return "none";
    case HttpError::bad_status_line: return "bad_status_line";
    case HttpError::bad_header: return "bad_header";
    case HttpError::headers_too_large: return "headers_too_large";
    case HttpError::too_many_headers: return "too_many_headers";
    case HttpError::bad_content_length: return "bad_content_length";
    case HttpError::bad_chunk: return "bad_chunk";
    case HttpError::body_too_large: return "body_too_large";
    case HttpError::truncated: return "truncated";
  }
  return "unknown";
}

bool HttpResponseParser::fail(HttpError error) {
  error_ = error;
  state_ = State::done;
  return true;
}

std::optional<std::string> HttpResponseParser::take_line() {
  const std::size_t lf = buffer_.find('\n');
  if (lf == std::string::npos) return std::nullopt;
  std::string line = buffer_.substr(0, lf);
  buffer_.erase(0, lf + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

bool HttpResponseParser::parse_status_line(std::string_view line) {
  // HTTP-version SP status-code SP [reason-phrase] (RFC 9112 §4)
  if (!line.starts_with("HTTP/1.") || line.size() < 12 || line[8] != ' ') {
    return fail(HttpError::bad_status_line);
  }
  int status = 0;
  const auto digits = line.substr(9, 3);
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + 3, status);
  if (ec != std::errc() || ptr != digits.data() + 3 || status < 100 || status > 999 ||
      (line.size() > 12 && line[12] != ' ')) {
    return fail(HttpError::bad_status_line);
  }
  response_ = HttpResponse{};
  response_.status = status;
  response_.reason = std::string(line.size() > 13 ? line.substr(13) : "");
  state_ = State::headers;
  return false;
}

bool HttpResponseParser::parse_header(std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return fail(HttpError::bad_header);
  const auto name = line.substr(0, colon);
  for (char c : name) {
    if (!is_token_char(c)) return fail(HttpError::bad_header);  // also: no space before ':'
  }
  if (response_.headers.size() >= limits_.max_headers) return fail(HttpError::too_many_headers);
  response_.headers.emplace_back(to_lower_ascii(name),
                                 std::string(trim_wsp(line.substr(colon + 1))));
  return false;
}

bool HttpResponseParser::start_body() {
  // 1xx are interim responses; the real one follows (RFC 9110 §15.2).
  if (response_.status >= 100 && response_.status < 200) {
    state_ = State::status_line;
    return false;
  }
  if (response_.status == 204 || response_.status == 304) {
    state_ = State::done;
    return true;
  }
  if (auto te = response_.header("transfer-encoding")) {
    if (iends_with_ascii(*te, "chunked")) {
      response_.chunked = true;
      state_ = State::chunk_size;
      return false;
    }
  }
  std::optional<std::uint64_t> length;
  for (const auto& [name, value] : response_.headers) {
    if (name != "content-length") continue;
    std::uint64_t n = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || ptr != value.data() + value.size() || value.empty()) {
      return fail(HttpError::bad_content_length);
    }
    if (length && *length != n) return fail(HttpError::bad_content_length);
    length = n;
  }
  if (length) {
    remaining_ = *length;
    state_ = State::body_length;
    if (remaining_ == 0) state_ = State::done;
    return state_ == State::done;
  }
  state_ = State::body_until_close;
  return false;
}

bool HttpResponseParser::append_body(std::string_view data) {
  const std::size_t room = limits_.max_body_bytes - response_.body.size();
  if (data.size() > room) {
    response_.body.append(data.substr(0, room));
    return fail(HttpError::body_too_large);
  }
  response_.body.append(data);
  return false;
}

std::optional<std::string> HttpResponseParser::take_header_line() {
  const std::size_t before = buffer_.size();
  auto line = take_line();
  const std::size_t used = line ? before - buffer_.size() : buffer_.size();
  if (header_bytes_ + used > limits_.max_header_bytes) {
    fail(HttpError::headers_too_large);
    return std::nullopt;
  }
  if (line) header_bytes_ += used;
  return line;
}

bool HttpResponseParser::consume_counted(State next) {
  const std::size_t n =
      static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, buffer_.size()));
  if (append_body(std::string_view(buffer_).substr(0, n))) return true;
  buffer_.erase(0, n);
  remaining_ -= n;
  if (remaining_ == 0) state_ = next;
  return false;
}

bool HttpResponseParser::feed(std::string_view data) {
  if (state_ == State::done) return true;
  buffer_.append(data);
  while (state_ != State::done) {
    switch (state_) {
      case State::status_line:
      case State::headers: {
        auto line = take_header_line();
        if (!line) return state_ == State::done;
        if (state_ == State::status_line) {
          if (parse_status_line(*line)) return true;
        } else if (line->empty()) {
          if (start_body()) return true;
        } else if (parse_header(*line)) {
          return true;
        }
        break;
      }
      case State::body_length: {
        if (buffer_.empty()) return false;
        if (consume_counted(State::done)) return true;
        break;
      }
      case State::body_until_close: {
        if (append_body(buffer_)) return true;
        buffer_.clear();
        return false;
      }
      case State::chunk_size: {
        if (buffer_.size() > 1024 && buffer_.find('\n') == std::string::npos) {
          return fail(HttpError::bad_chunk);
        }
        auto line = take_line();
        if (!line) return false;
        std::string_view size_text = *line;
        size_text = trim_wsp(size_text.substr(0, size_text.find(';')));  // chunk extensions
        std::uint64_t size = 0;
        const auto [ptr, ec] =
            std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (ec != std::errc() || ptr != size_text.data() + size_text.size() || size_text.empty()) {
          return fail(HttpError::bad_chunk);
        }
        remaining_ = size;
        state_ = size == 0 ? State::trailers : State::chunk_data;
        break;
      }
      case State::chunk_data: {
        if (buffer_.empty()) return false;
        if (consume_counted(State::chunk_data_end)) return true;
        break;
      }
      case State::chunk_data_end: {
        auto line = take_line();
        if (!line) {
          if (buffer_.size() > 2) return fail(HttpError::bad_chunk);
          return false;
        }
        if (!line->empty()) return fail(HttpError::bad_chunk);
        state_ = State::chunk_size;
        break;
      }
      case State::trailers: {
        auto line = take_header_line();
        if (!line) return state_ == State::done;
        if (line->empty()) state_ = State::done;  // trailer fields are ignored
        break;
      }
      case State::done: break;
    }
  }
  return true;
}

void HttpResponseParser::finish() {
  if (state_ == State::done) return;
  if (state_ == State::body_until_close) {
    state_ = State::done;
    return;
  }
  fail(HttpError::truncated);
}

}  // namespace mtasts::net
