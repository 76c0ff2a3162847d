/// @file
/// @brief TLS client contexts and the handshake that records what it saw (version,
/// cipher, the peer certificate and every verification problem) instead of failing
/// blindly on the first one.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <variant>

#include "net/certificate.hpp"

namespace mtasts::net {

struct TlsOptions {
  std::optional<std::string> ca_file;  ///< PEM bundle; none: the system store
  /// The lowest version offered. The policy fetch needs TLS 1.2 (RFC 8461 §7.2 via RFC
  /// 7525); the MX probe offers older versions too, to report them rather than fail.
  int min_version = TLS1_2_VERSION;
};

/// A client context, or a message saying why the CA bundle cannot be used.
std::variant<std::shared_ptr<asio::ssl::context>, std::string> make_tls_context(
    const TlsOptions& options);

struct TlsFacts {
  std::string version;  ///< "TLSv1.3"
  std::string cipher;
  CertificateFacts certificate;
  bool has_certificate = false;
};

using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;

/// Runs the client handshake on `stream` with SNI and the name check for `host`.
/// Verification problems do not abort it: they are in the returned facts. The error is
/// set only when the handshake itself fails (no common version, alert, reset).
asio::awaitable<std::pair<std::error_code, TlsFacts>> tls_handshake(TlsStream& stream,
                                                                    const std::string& host);

}  // namespace mtasts::net
