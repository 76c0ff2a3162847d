#include "net/smtp_reply.hpp"

#include "mtasts/text.hpp"

namespace mtasts::net {

std::vector<std::string> SmtpReply::ehlo_keywords() const {
  std::vector<std::string> out;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = trim_wsp(lines[i]);
    std::string keyword(line.substr(0, line.find(' ')));
    for (char& c : keyword) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    out.push_back(std::move(keyword));
  }
  return out;
}

bool SmtpReply::has_keyword(std::string_view keyword) const {
  for (const auto& k : ehlo_keywords()) {
    if (iequals_ascii(k, keyword)) return true;
  }
  return false;
}

std::string_view to_string(SmtpReplyError error) noexcept {
  switch (error) {
    case SmtpReplyError::none: return "none";
    case SmtpReplyError::malformed: return "malformed";
    case SmtpReplyError::mixed_codes: return "mixed_codes";
    case SmtpReplyError::line_too_long: return "line_too_long";
    case SmtpReplyError::too_many_lines: return "too_many_lines";
  }
  return "unknown";
}

bool SmtpReplyReader::feed(std::string_view data) {
  if (error_ != SmtpReplyError::none) return true;
  buffer_.append(data);
  return parse();
}

bool SmtpReplyReader::parse() {
  while (!ready_ && error_ == SmtpReplyError::none) {
    const std::size_t lf = buffer_.find('\n');
    if (lf == std::string::npos) {
      if (buffer_.size() > limits_.max_line) error_ = SmtpReplyError::line_too_long;
      break;
    }
    if (lf > limits_.max_line) {
      error_ = SmtpReplyError::line_too_long;
      break;
    }
    std::string line = buffer_.substr(0, lf);
    buffer_.erase(0, lf + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Reply-code [ ("-" / SP) textstring ], Reply-code = %x32-35 %x30-35 %x30-39 (RFC 5321
    // §4.2): "022" or "199" is no reply a server may send.
    if (line.size() < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '5' ||
        !is_digit(line[2]) || (line.size() > 3 && line[3] != '-' && line[3] != ' ')) {
      error_ = SmtpReplyError::malformed;
      break;
    }
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (!current_.lines.empty() && current_.code != code) {
      error_ = SmtpReplyError::mixed_codes;
      break;
    }
    if (current_.lines.size() >= limits_.max_lines) {
      error_ = SmtpReplyError::too_many_lines;
      break;
    }
    current_.code = code;
    current_.lines.push_back(line.size() > 4 ? line.substr(4) : "");
    if (line.size() == 3 || line[3] == ' ') {
      ready_ = std::move(current_);
      current_ = SmtpReply{};
    }
  }
  return ready_.has_value() || error_ != SmtpReplyError::none;
}

std::optional<SmtpReply> SmtpReplyReader::take() {
  auto out = std::move(ready_);
  ready_.reset();
  if (out) parse();  // a pipelined next reply may already be buffered
  return out;
}

}  // namespace mtasts::net
