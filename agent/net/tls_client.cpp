#include "net/tls_client.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

namespace mtasts::net {

std::variant<std::shared_ptr<asio::ssl::context>, std::string> make_tls_context(
    const TlsOptions& options) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_min_proto_version(ctx, options.min_version);
  if (options.min_version < TLS1_2_VERSION) {
    // OpenSSL 3 refuses TLS 1.0/1.1 at its default security level; to see (and report)
    // what an old server negotiates, the probe must be able to speak it.
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
  }
  std::error_code ec;
  if (options.ca_file) {
    context->load_verify_file(*options.ca_file, ec);
    if (ec) return fmt::format("cannot load CA bundle {}: {}", *options.ca_file, ec.message());
  } else {
    context->set_default_verify_paths(ec);
    if (ec) return fmt::format("cannot load the system CA store: {}", ec.message());
  }
  return context;
}

asio::awaitable<std::pair<std::error_code, TlsFacts>> tls_handshake(TlsStream& stream,
                                                                    const std::string& host) {
  TlsFacts facts;
  SSL* ssl = stream.native_handle();
  // SNI (RFC 8461 §7.1) and the DNS-ID check (kHostCheckFlags: SAN only, whole-label '*').
  // SSL_set_tlsext_host_name without its C cast.
  SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
           static_cast<void*>(const_cast<char*>(host.c_str())));
  SSL_set_hostflags(ssl, kHostCheckFlags);
  SSL_set1_host(ssl, host.c_str());
  install_verify_recorder(ssl);

  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client,
                                              asio::experimental::as_tuple(asio::use_awaitable));
  // The certificate is recorded even when the handshake failed after receiving it.
  if (X509Ptr cert{SSL_get1_peer_certificate(ssl)}) {
    facts.has_certificate = true;
    facts.certificate = describe_certificate(cert.get(), host);
    std::vector<long> errors = recorded_verify_errors(ssl);
    if (SSL_get_security_level(ssl) < 2) {
      // Negotiated low to observe old servers; the chain is judged as senders judge it.
      for (long code : verify_errors_at_level_2(ssl, cert.get())) {
        const auto problem = classify_verify_error(code);
        if (problem == CertProblem::weak_key || problem == CertProblem::weak_signature) {
          errors.push_back(code);
        }
      }
    }
    for (long code : errors) {
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
