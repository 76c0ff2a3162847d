#include "fake_tcp_server.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <cstdio>

namespace mtasts::support {
namespace {
constexpr auto kToken = asio::experimental::as_tuple(asio::use_awaitable);
}

FakeTcpServer::FakeTcpServer(asio::io_context& io, Script script)
    : script_(std::move(script)),
      acceptor_(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  accept();
}

FakeTcpServer::~FakeTcpServer() {
  *alive_ = false;
  std::error_code ignored;
  acceptor_.close(ignored);
}

void FakeTcpServer::accept() {
  acceptor_.async_accept([this, alive = alive_](std::error_code ec, asio::ip::tcp::socket socket) {
    if (ec || !*alive) return;
    asio::co_spawn(acceptor_.get_executor(), script_(std::move(socket)), asio::detached);
    accept();
  });
}

asio::awaitable<bool> send_text(asio::ip::tcp::socket& socket, std::string text) {
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(text), kToken);
  co_return !ec;
}

asio::awaitable<std::string> read_line(asio::ip::tcp::socket& socket) {
  std::string line;
  auto [ec, n] =
      co_await asio::async_read_until(socket, asio::dynamic_buffer(line, 4096), '\n', kToken);
  if (ec) co_return std::string();
  line.resize(n);
  co_return line;
}

asio::awaitable<void> hang(asio::ip::tcp::socket& socket) {
  std::array<char, 256> sink{};
  asio::steady_timer limit(socket.get_executor(), std::chrono::hours(1));
  limit.async_wait([&socket](std::error_code ec) {
    if (!ec) socket.close();
  });
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), kToken);
    if (ec) break;
  }
  limit.cancel();
}

std::shared_ptr<asio::ssl::context> self_signed_server_context(const std::string& name,
                                                               int min_version, int max_version) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_security_level(ctx, 0);  // so TLS 1.0 can be offered (OpenSSL 3 needs level 0 for it)
  SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
  SSL_CTX_set_min_proto_version(ctx, min_version);
  SSL_CTX_set_max_proto_version(ctx, max_version);

  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME* subject = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, subject);
  X509_sign(cert, key, EVP_sha256());
  SSL_CTX_use_certificate(ctx, cert);
  SSL_CTX_use_PrivateKey(ctx, key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return context;
}

namespace {

/// A certificate for `key` named `cn`, signed by `issuer_key` as `issuer` (itself when null).
X509* make_certificate(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key,
                       const char* digest, bool ca, const std::string& san) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), ca ? 1 : 2);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_set_pubkey(cert, key);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(issuer ? issuer : cert));
  X509V3_CTX v3;
  X509V3_set_ctx(&v3, issuer ? issuer : cert, cert, nullptr, nullptr, 0);
  const std::string constraints = ca ? "critical,CA:TRUE" : "CA:FALSE";
  if (X509_EXTENSION* ext =
          X509V3_EXT_conf_nid(nullptr, &v3, NID_basic_constraints, constraints.c_str())) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (!san.empty()) {
    if (X509_EXTENSION* ext =
            X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, san.c_str())) {
      X509_add_ext(cert, ext, -1);
      X509_EXTENSION_free(ext);
    }
  }
  X509_sign(cert, issuer_key ? issuer_key : key, EVP_get_digestbyname(digest));
  return cert;
}

}  // namespace

std::shared_ptr<asio::ssl::context> ca_issued_server_context(const std::string& name,
                                                             const std::string& ca_file,
                                                             int rsa_bits, const char* digest,
                                                             int ca_rsa_bits) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_security_level(ctx, 0);  // so it may serve the weak certificate at all
  SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
  SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);

  EVP_PKEY* ca_key = EVP_RSA_gen(static_cast<unsigned>(ca_rsa_bits));
  X509* ca = make_certificate(ca_key, "fake test CA", nullptr, nullptr, "SHA256", true, "");
  EVP_PKEY* key = EVP_RSA_gen(static_cast<unsigned>(rsa_bits));
  X509* leaf = make_certificate(key, name, ca, ca_key, digest, false, "DNS:" + name);
  if (FILE* out = std::fopen(ca_file.c_str(), "w")) {
    PEM_write_X509(out, ca);
    std::fclose(out);
  }
  SSL_CTX_use_certificate(ctx, leaf);
  SSL_CTX_use_PrivateKey(ctx, key);
  X509_free(leaf);
  X509_free(ca);
  EVP_PKEY_free(key);
  EVP_PKEY_free(ca_key);
  return context;
}

}  // namespace mtasts::support
