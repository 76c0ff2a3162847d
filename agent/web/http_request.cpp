#include "web/http_request.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <charconv>

#include "mtasts/text.hpp"

namespace mtasts::web {
namespace {

constexpr std::size_t kMaxHeaders = 100;

bool is_token_char(char c) {
  // RFC 9110 §5.6.2 tchar
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool contains_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    const auto semicolon = item.find(';');
    std::string_view name = trim(item.substr(0, semicolon));
    if (to_lower_ascii(name) == token) {
      // "gzip;q=0" refuses it (RFC 9110 §12.5.3).
      if (semicolon != std::string_view::npos) {
        std::string params = to_lower_ascii(item.substr(semicolon + 1));
        std::erase(params, ' ');
        if (params.starts_with("q=") && params.find_first_not_of("0.", 2) == std::string::npos) {
          return false;
        }
      }
      return true;
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as zero bytes.
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

}  // namespace

std::optional<BasicCredentials> parse_basic_authorization(std::string_view value) {
  // credentials = auth-scheme 1*SP token68, the scheme case-insensitive (RFC 7617, RFC 9110).
  const auto space = value.find(' ');
  if (space == std::string_view::npos || to_lower_ascii(value.substr(0, space)) != "basic") {
    return std::nullopt;
  }
  auto token = value.substr(space);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  auto decoded = base64_decode(token);
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  BasicCredentials out{decoded->substr(0, colon), decoded->substr(colon + 1)};
  if (out.password.find('\0') != std::string::npos) return std::nullopt;
  return out;
}

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

bool HttpRequest::keep_alive() const {
  const auto connection = header("connection");
  if (minor_version == 0) return connection && contains_token(*connection, "keep-alive");
  return !connection || !contains_token(*connection, "close");
}

bool HttpRequest::accepts_gzip() const {
  const auto encodings = header("accept-encoding");
  return encodings && contains_token(*encodings, "gzip");
}

std::optional<std::size_t> HttpRequest::content_length() const {
  const auto value = header("content-length");
  if (!value) return 0;
  std::size_t length = 0;
  const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), length);
  if (ec != std::errc() || end != value->data() + value->size() || value->empty()) {
    return std::nullopt;
  }
  return length;
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
    if (ec != std::errc() || end != text.data() + i + 3 || value == 0) return std::nullopt;
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

Result<HttpRequest> parse_request_head(std::string_view head) {
  HttpRequest request;
  // Lines end with CRLF, as the server frames the head ("\r\n\r\n"): a bare LF would let a
  // header hide inside another one's value for a proxy that frames by CRLF (RFC 9112 §2.2).
  bool bare_lf = false;
  auto next_line = [&head, &bare_lf]() -> std::optional<std::string_view> {
    const auto end = head.find('\n');
    if (end == std::string_view::npos) {
      if (head.empty()) return std::nullopt;
      std::string_view line = head;
      head = {};
      return line;
    }
    std::string_view line = head.substr(0, end);
    head.remove_prefix(end + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    } else {
      bare_lf = true;
    }
    return line;
  };

  auto line = next_line();
  // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
  if (line && line->empty()) line = next_line();
  if (!line || line->empty()) return failure(std::string("empty request"));
  // method SP request-target SP HTTP-version
  const auto first_space = line->find(' ');
  const auto last_space = line->rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space) {
    return failure(fmt::format("request line {} is not METHOD TARGET HTTP/1.x", in_quotes(*line)));
  }
  request.method = line->substr(0, first_space);
  request.target = line->substr(first_space + 1, last_space - first_space - 1);
  const std::string_view version = line->substr(last_space + 1);
  for (char c : request.method) {
    if (!is_token_char(c))
      return failure(fmt::format("method {} is not a token", in_quotes(request.method)));
  }
  if (version == "HTTP/1.1") {
    request.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    request.minor_version = 0;
  } else {
    return failure(fmt::format("version {} is not HTTP/1.0 or HTTP/1.1", in_quotes(version)));
  }
  if (request.target.empty() || request.target.front() != '/') {
    return failure(fmt::format("target {} is not an absolute path", in_quotes(request.target)));
  }
  for (char c : request.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return failure("the target holds a control character or space");
    }
  }
  const auto question = request.target.find('?');
  auto path = percent_decode(std::string_view(request.target).substr(0, question));
  if (!path)
    return failure(fmt::format("target {} has a malformed %-escape", in_quotes(request.target)));
  request.path = std::move(*path);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);

  while (auto header_line = next_line()) {
    if (header_line->empty()) break;
    const auto colon = header_line->find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return failure(fmt::format("header line {} has no name", in_quotes(*header_line)));
    }
    const std::string_view name = header_line->substr(0, colon);
    for (char c : name) {
      // Also refuses whitespace before the colon (RFC 9112 §5.1) and obsolete line folding.
      if (!is_token_char(c))
        return failure(fmt::format("header name {} is not a token", in_quotes(name)));
    }
    if (request.headers.size() == kMaxHeaders) return failure("too many header lines");
    request.headers.emplace_back(to_lower_ascii(name), trim(header_line->substr(colon + 1)));
  }
  if (bare_lf)
    return failure("a line of the request head ends with LF alone; HTTP ends lines with CRLF");
  if (request.minor_version == 1 && !request.header("host"))
    return failure("HTTP/1.1 request without Host");
  // Two Content-Length headers that disagree frame the body two ways (request smuggling
  // through a proxy that picks the other one): refused (RFC 9112 §6.3).
  std::optional<std::string_view> length;
  for (const auto& [name, value] : request.headers) {
    if (name != "content-length") continue;
    if (length && *length != value) return failure("conflicting Content-Length headers");
    length = value;
  }
  return request;
}

std::string serialize_head(const HttpServerResponse& response, bool keep_alive) {
  std::string out =
      fmt::format("HTTP/1.1 {} {}\r\n", response.status, reason_phrase(response.status));
  out += fmt::format("Content-Type: {}\r\nContent-Length: {}\r\n", response.content_type,
                     response.payload().size());
  for (const auto& [name, value] : response.headers) out += fmt::format("{}: {}\r\n", name, value);
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return out;
}

std::string serialize_response(const HttpServerResponse& response, bool keep_alive,
                               bool head_only) {
  std::string out = serialize_head(response, keep_alive);
  if (!head_only) out += response.payload();
  return out;
}

}  // namespace mtasts::web
