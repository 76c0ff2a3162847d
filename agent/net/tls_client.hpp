/// @file
/// @brief TLS client contexts and the handshake that records what it saw (version,
/// cipher, the peer certificate and every verification problem) instead of failing
/// blindly on the first one.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/error.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>

#include "common/result.hpp"
#include "net/certificate.hpp"
#include "net/tls_facts.hpp"

namespace mtasts::net {

struct TlsOptions {
  std::optional<std::string> ca_file;  ///< PEM bundle; none: the system store
  /// The lowest version offered. The policy fetch needs TLS 1.2 (RFC 8461 §7.2 via RFC
  /// 7525); the MX probe offers older versions too, to report them rather than fail.
  int min_version = TLS1_2_VERSION;
};

/// A client context, or a message saying why the CA bundle cannot be used.
Result<std::shared_ptr<asio::ssl::context>> make_tls_context(const TlsOptions& options);

/// The client side of TLS over a connected TCP socket: OpenSSL reads and writes the socket
/// itself, Asio only waits until it is ready. (asio::ssl::stream keeps four 17 KB buffers per
/// connection, its BIO pair and its own copies of them; with hundreds of probes in flight
/// that was a third of the daemon's memory.) Errors are Asio's: the SSL category for
/// OpenSSL's, asio::error::eof for close_notify, asio::ssl::error::stream_truncated for a
/// close without it. The socket must outlive the connection; closing it cancels everything.
class TlsConnection {
 public:
  TlsConnection(asio::ip::tcp::socket& socket, asio::ssl::context& context);
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  /// Null when OpenSSL could not make the connection (out of memory).
  SSL* native_handle() const noexcept { return ssl_.get(); }

  /// The client handshake. Its last flight, when the handshake completes by writing one (TLS
  /// 1.3's Finished), is sent with the next write or read: call one of them after success.
  asio::awaitable<std::error_code> handshake();
  /// As a socket's async_read_some with as_tuple(use_awaitable), so code reading replies
  /// can be written once for the plain and the TLS side of a STARTTLS dialogue.
  template <class Token>
  asio::awaitable<std::tuple<std::error_code, std::size_t>> async_read_some(
      asio::mutable_buffer buffer, const Token& /*as_tuple(use_awaitable)*/) {
    return read_some(buffer);
  }
  asio::awaitable<std::tuple<std::error_code, std::size_t>> read_some(asio::mutable_buffer buffer);
  /// Writes all of `data`.
  asio::awaitable<std::error_code> write(asio::const_buffer data);

  /// For the connection's BIO: what OpenSSL writes waits here until drive sends it.
  void queue_output(std::string_view bytes);
  int socket_handle() const { return socket_.native_handle(); }

 private:
  struct SslDeleter {
    void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
  };
  /// Runs `step` (an SSL_* call returning > 0 on success) until it succeeds or fails,
  /// waiting for the socket whenever OpenSSL wants to read or write. What the succeeding
  /// call wrote is sent before returning, or with `send_on_success` false, by the next call.
  template <class Step>
  asio::awaitable<std::tuple<std::error_code, int>> drive(Step step, bool send_on_success = true);
  /// Sends everything queued, waiting whenever the socket is full.
  asio::awaitable<std::error_code> send_output();

  asio::ip::tcp::socket& socket_;
  std::unique_ptr<SSL, SslDeleter> ssl_;
  std::string output_;  ///< written by OpenSSL, not yet sent
};

/// Runs the client handshake on `connection` with SNI and the name check for `host`.
/// Verification problems do not abort it: they are in the returned facts. The error is
/// set only when the handshake itself fails (no common version, alert, reset). After success
/// the caller writes (a request, QUIT), which also sends the handshake's last flight.
asio::awaitable<std::pair<std::error_code, TlsFacts>> tls_handshake(TlsConnection& connection,
                                                                    const std::string& host);

}  // namespace mtasts::net
