/// @file
/// @brief The request side of the daemon's small HTTP/1.1 server: parsing a request head
/// (RFC 9112 §2-§5) and the response it sends. Pure code, bytes in, so it is fuzzed.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace mtasts::web {

struct HttpRequest {
  std::string method;     ///< "GET", as sent (methods are case-sensitive)
  std::string target;     ///< the request target as sent: "/api/v1/domains?x=1"
  std::string path;       ///< the target's path, percent-decoded: "/api/v1/domains"
  std::string query;      ///< after '?', not decoded
  int minor_version = 1;  ///< HTTP/1.x
  std::string client;     ///< the peer's address ("192.0.2.1"), set by the server
  std::vector<std::pair<std::string, std::string>> headers;  ///< names in lower case

  /// The first header with this (lower-case) name.
  std::optional<std::string_view> header(std::string_view name) const;
  /// Whether the client wants the connection kept open after this request.
  bool keep_alive() const;
  /// Whether the client accepts a gzip-compressed answer (Accept-Encoding, q > 0).
  bool accepts_gzip() const;
  /// Content-Length, 0 when absent; nullopt when malformed.
  std::optional<std::size_t> content_length() const;
};

struct HttpServerResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body{};
  std::vector<std::pair<std::string, std::string>> headers{};  ///< extra headers
  /// Sent instead of `body` when set: one rendered buffer that many clients share.
  std::shared_ptr<const std::string> shared_body{};

  std::string_view payload() const { return shared_body ? *shared_body : body; }
};

/// The reason phrase of the status codes the server sends.
std::string_view reason_phrase(int status) noexcept;

/// Parses a request head: the request line and the header lines, ending with an empty line
/// (which may be missing from `head`). Returns the request or what is wrong with it.
Result<HttpRequest> parse_request_head(std::string_view head);

/// Decodes %XX escapes; nullopt for a malformed escape or an encoded NUL.
std::optional<std::string> percent_decode(std::string_view text);

/// The user and password of an `Authorization: Basic` header (RFC 7617).
struct BasicCredentials {
  std::string user;
  std::string password;
};

/// Decodes an Authorization header's value: the scheme "Basic" in any case, then base64 of
/// "user:password" (the password may hold colons). nullopt for another scheme, bad base64,
/// no colon, or a NUL in the password (crypt(3) would read "secret\0x" as "secret").
std::optional<BasicCredentials> parse_basic_authorization(std::string_view value);

/// The status line and headers (Content-Length included) up to the empty line.
std::string serialize_head(const HttpServerResponse& response, bool keep_alive);
/// The whole response as bytes: the head, then the payload unless `head_only`.
std::string serialize_response(const HttpServerResponse& response, bool keep_alive,
                               bool head_only = false);

}  // namespace mtasts::web
