#include "net/tls_client.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <algorithm>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>
#include <cerrno>
#include <cstdint>
#include <span>

#include "net/chain_verifier.hpp"

namespace mtasts::net {
namespace {

constexpr auto kToken = asio::experimental::as_tuple(asio::use_awaitable);

// The connection's BIO. Reads go straight to the socket. Writes are collected and sent by
// TlsConnection::drive once the SSL_* call returns, so a flight of several records (a change
// cipher spec and a Finished) is one send() instead of one per record; drive sends with
// MSG_NOSIGNAL (a peer that resets the connection must not kill the daemon with SIGPIPE).
TlsConnection* connection_of(BIO* bio) {
  return static_cast<TlsConnection*>(BIO_get_data(bio));
}

int bio_write(BIO* bio, const char* data, int length) {
  BIO_clear_retry_flags(bio);
  connection_of(bio)->queue_output(std::string_view(data, static_cast<std::size_t>(length)));
  return length;
}

int bio_read(BIO* bio, char* data, int length) {
  BIO_clear_retry_flags(bio);
  const ssize_t n =
      ::recv(connection_of(bio)->socket_handle(), data, static_cast<std::size_t>(length), 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
    BIO_set_retry_read(bio);
  }
  return static_cast<int>(n);
}

long bio_ctrl(BIO* /*bio*/, int command, long /*number*/, void* /*pointer*/) {
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

const BIO_METHOD* socket_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "mtasts socket");
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(m, bio_ctrl);
    return m;
  }();
  return method;
}

/// Asio's error for a failed SSL_* call (`kind` from SSL_get_error), as asio::ssl::stream
/// reports it.
std::error_code ssl_error(int kind, int saved_errno) {
  if (kind == SSL_ERROR_ZERO_RETURN) return asio::error::eof;
  const unsigned long code = ERR_peek_error();
  if (kind == SSL_ERROR_SSL && ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
    ERR_clear_error();
    return asio::ssl::error::stream_truncated;
  }
  if (code != 0) {
    ERR_clear_error();
    return {static_cast<int>(code), asio::error::get_ssl_category()};
  }
  if (kind == SSL_ERROR_SYSCALL && saved_errno != 0) {
    return {saved_errno, asio::error::get_system_category()};
  }
  return asio::ssl::error::stream_truncated;
}

}  // namespace

TlsConnection::TlsConnection(asio::ip::tcp::socket& socket, asio::ssl::context& context)
    : socket_(socket), ssl_(SSL_new(context.native_handle())) {
  if (!ssl_) return;
  std::error_code ignored;
  socket_.non_blocking(true, ignored);
  BIO* bio = BIO_new(socket_method());
  if (bio == nullptr) {
    ssl_.reset();
    return;
  }
  BIO_set_data(bio, this);
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl_.get(), bio, bio);
  SSL_set_connect_state(ssl_.get());
}

template <class Step>
asio::awaitable<std::tuple<std::error_code, int>> TlsConnection::drive(Step step,
                                                                       bool send_on_success) {
  if (!ssl_) co_return std::tuple{std::make_error_code(std::errc::not_enough_memory), 0};
  for (;;) {
    ERR_clear_error();
    errno = 0;
    const int result = step(ssl_.get());
    const int saved_errno = errno;
    const int kind = result > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), result);
    if (result > 0 && !send_on_success) co_return std::tuple{std::error_code{}, result};
    // What OpenSSL wrote goes out now, an alert before a failure too.
    const std::error_code sent = co_await send_output();
    if (result > 0) co_return std::tuple{sent, sent ? 0 : result};
    if (kind != SSL_ERROR_WANT_READ && kind != SSL_ERROR_WANT_WRITE) {
      co_return std::tuple{ssl_error(kind, saved_errno), 0};
    }
    if (sent) co_return std::tuple{sent, 0};
    auto [ec] =
        co_await socket_.async_wait(kind == SSL_ERROR_WANT_READ ? asio::ip::tcp::socket::wait_read
                                                                : asio::ip::tcp::socket::wait_write,
                                    kToken);
    if (ec) co_return std::tuple{ec, 0};
  }
}

void TlsConnection::queue_output(std::string_view bytes) {
  output_.append(bytes);
}

asio::awaitable<std::error_code> TlsConnection::send_output() {
  std::size_t done = 0;
  while (done < output_.size()) {
    const ssize_t n =
        ::send(socket_.native_handle(), output_.data() + done, output_.size() - done, MSG_NOSIGNAL);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      output_.clear();
      co_return std::error_code(errno, std::system_category());
    }
    auto [ec] = co_await socket_.async_wait(asio::ip::tcp::socket::wait_write, kToken);
    if (ec) {
      output_.clear();
      co_return ec;
    }
  }
  output_.clear();
  co_return std::error_code{};
}

asio::awaitable<std::error_code> TlsConnection::handshake() {
  // TLS 1.3's client Finished is written by the call that completes the handshake; it waits
  // for the first request and goes out with it, one segment instead of two.
  auto [ec, ignored] = co_await drive([](SSL* ssl) { return SSL_do_handshake(ssl); }, false);
  co_return ec;
}

asio::awaitable<std::tuple<std::error_code, std::size_t>> TlsConnection::read_some(
    asio::mutable_buffer buffer) {
  const int length = static_cast<int>(std::min<std::size_t>(buffer.size(), 1 << 30));
  auto [ec, n] = co_await drive([&](SSL* ssl) { return SSL_read(ssl, buffer.data(), length); });
  co_return std::tuple{ec, static_cast<std::size_t>(n)};
}

asio::awaitable<std::error_code> TlsConnection::write(asio::const_buffer data) {
  const auto* bytes = static_cast<const char*>(data.data());
  std::size_t left = data.size();
  while (left > 0) {
    // A record at a time: what waits in output_ stays small.
    const int length = static_cast<int>(std::min<std::size_t>(left, 16 * 1024));
    auto [ec, n] = co_await drive([&](SSL* ssl) { return SSL_write(ssl, bytes, length); });
    if (ec) co_return ec;
    bytes += n;
    left -= static_cast<std::size_t>(n);
  }
  co_return std::error_code{};
}

Result<std::shared_ptr<asio::ssl::context>> make_tls_context(const TlsOptions& options) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_min_proto_version(ctx, options.min_version);
  // Read whatever has arrived in one recv(), not a record's header and then its body: a
  // handshake took some twenty reads without it. (Only TLS follows on these sockets: the
  // SMTP probe reads its plain-text replies itself before the handshake.)
  SSL_CTX_set_read_ahead(ctx, 1);
  if (options.min_version < TLS1_2_VERSION) {
    // OpenSSL 3 refuses TLS 1.0/1.1 at its default security level; to see (and report)
    // what an old server negotiates, the probe must be able to speak it.
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
  }
  if (!attach_chain_verifier(ctx)) return failure("cannot set up certificate verification");
  std::error_code ec;
  if (options.ca_file) {
    context->load_verify_file(*options.ca_file, ec);
    if (ec)
      return failure(fmt::format("cannot load CA bundle {}: {}", *options.ca_file, ec.message()));
  } else {
    context->set_default_verify_paths(ec);
    if (ec) return failure(fmt::format("cannot load the system CA store: {}", ec.message()));
  }
  return context;
}

asio::awaitable<std::pair<std::error_code, TlsFacts>> tls_handshake(TlsConnection& connection,
                                                                    const std::string& host) {
  TlsFacts facts;
  SSL* ssl = connection.native_handle();
  if (ssl == nullptr) {
    co_return std::pair{std::make_error_code(std::errc::not_enough_memory), std::move(facts)};
  }
  // SNI (RFC 8461 §7.1); SSL_set_tlsext_host_name without its C cast.
  SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
           static_cast<void*>(const_cast<char*>(host.c_str())));

  const std::error_code ec = co_await connection.handshake();
  // The certificate is recorded even when the handshake failed after receiving it.
  if (X509Ptr cert{SSL_get1_peer_certificate(ssl)}) {
    facts.has_certificate = true;
    facts.certificate = describe_certificate(cert.get());
    // The chain and the DNS-ID (kHostCheckFlags: SAN only, whole-label '*'), as a sender at
    // security level 2 judges them, whatever level was negotiated to observe old servers.
    // describe_certificate leaves the digest zero only when it could not take it.
    std::span<const unsigned char> leaf_sha256;
    const auto& sha256 = facts.certificate.sha256;
    if (std::any_of(sha256.begin(), sha256.end(), [](auto b) { return b != 0; })) {
      leaf_sha256 = sha256;
    }
    for (long code : verify_peer_chain(ssl, host, leaf_sha256)) {
      const CertProblem problem = classify_verify_error(code);
      auto& problems = facts.certificate.problems;
      if (std::find(problems.begin(), problems.end(), problem) == problems.end()) {
        problems.push_back(problem);
      }
      if (facts.certificate.error.empty()) {
        facts.certificate.error = X509_verify_cert_error_string(code);
      }
    }
    facts.certificate.verified = !ec && facts.certificate.problems.empty();
  }
  if (!ec) {
    facts.version = SSL_get_version(ssl);
    facts.cipher = SSL_get_cipher_name(ssl);
  }
  co_return std::pair{ec, std::move(facts)};
}

}  // namespace mtasts::net
