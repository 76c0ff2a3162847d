// A TCP server on loopback that runs a scripted coroutine per connection, for servers that
// misbehave on purpose (silence, endless lines, a handshake that never ends). Also makes a
// self-signed certificate for fakes that speak TLS.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <functional>
#include <memory>
#include <string>

namespace mtasts::support {

class FakeTcpServer {
 public:
  using Script = std::function<asio::awaitable<void>(asio::ip::tcp::socket)>;

  FakeTcpServer(asio::io_context& io, Script script);
  ~FakeTcpServer();

  asio::ip::tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }

 private:
  void accept();

  Script script_;
  asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

/// Writes `text` and waits for it to be sent; errors end the script quietly.
asio::awaitable<bool> send_text(asio::ip::tcp::socket& socket, std::string text);
/// Reads one line (up to LF); "" on error or close.
asio::awaitable<std::string> read_line(asio::ip::tcp::socket& socket);
/// Waits until the peer closes or an hour passes.
asio::awaitable<void> hang(asio::ip::tcp::socket& socket);

/// A server context with a fresh self-signed certificate for `name`, offering TLS versions
/// from `min_version` to `max_version`.
std::shared_ptr<asio::ssl::context> self_signed_server_context(const std::string& name,
                                                               int min_version, int max_version);

/// A server context (TLS 1.0 to 1.3, security level 0) whose certificate for `name` is
/// issued by a fresh CA (an RSA key of `ca_rsa_bits`): an RSA key of `rsa_bits` signed with
/// `digest` ("SHA256", "SHA1"). The CA certificate is written to `ca_file`, for the client to
/// trust.
std::shared_ptr<asio::ssl::context> ca_issued_server_context(const std::string& name,
                                                             const std::string& ca_file,
                                                             int rsa_bits, const char* digest,
                                                             int ca_rsa_bits = 2048);

}  // namespace mtasts::support
