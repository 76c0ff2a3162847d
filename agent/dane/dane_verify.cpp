#include "dane/dane_verify.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <memory>

namespace mtasts::dane {
namespace {

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const noexcept { SSL_CTX_free(ctx); }
};
struct SslDeleter {
  void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
};
struct StoreDeleter {
  void operator()(X509_STORE* store) const noexcept { X509_STORE_free(store); }
};
struct StoreCtxDeleter {
  void operator()(X509_STORE_CTX* ctx) const noexcept { X509_STORE_CTX_free(ctx); }
};
struct StackDeleter {
  // The stack only borrows the certificates: the caller owns them.
  void operator()(STACK_OF(X509) * stack) const noexcept { sk_X509_free(stack); }
};

/// One DANE-enabled client context per thread, never used for a connection: it holds the
/// digests OpenSSL's DANE matching uses.
SSL_CTX* dane_context() {
  thread_local const std::unique_ptr<SSL_CTX, SslCtxDeleter> context = [] {
    std::unique_ptr<SSL_CTX, SslCtxDeleter> ctx(SSL_CTX_new(TLS_client_method()));
    if (ctx && SSL_CTX_dane_enable(ctx.get()) <= 0) ctx.reset();
    // RFC 7672 §3.1.1: a DANE-EE(3) match stands whatever names the certificate has.
    if (ctx) SSL_CTX_dane_set_flags(ctx.get(), DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    return ctx;
  }();
  return context.get();
}

DaneOutcome failed(long error, std::string text) {
  DaneOutcome out;
  out.error = error;
  out.error_text = std::move(text);
  return out;
}

}  // namespace

DaneOutcome verify_chain(std::span<X509* const> chain, std::span<const TlsaRecord> records,
                         std::span<const std::string> names) {
  if (chain.empty() || chain.front() == nullptr) return failed(0, "no certificate");
  SSL_CTX* context = dane_context();
  if (context == nullptr) return failed(0, "OpenSSL's DANE support is unavailable");
  const std::unique_ptr<SSL, SslDeleter> ssl(SSL_new(context));
  if (!ssl) return failed(0, "out of memory");
  const char* base = names.empty() ? nullptr : names.front().c_str();
  if (SSL_dane_enable(ssl.get(), base) <= 0) return failed(0, "cannot enable DANE");
  for (std::size_t i = 1; i < names.size(); ++i) SSL_add1_host(ssl.get(), names[i].c_str());
  int usable = 0;
  for (const auto& r : records) {
    if (unusable_reason(r)) continue;
    if (SSL_dane_tlsa_add(ssl.get(), r.usage, r.selector, r.matching, r.data.data(),
                          r.data.size()) > 0) {
      ++usable;
    }
  }
  if (usable == 0) return failed(0, "no usable TLSA record");

  // DANE-TA(2) and DANE-EE(3) need no CA store: the trust anchor is what the record names.
  const std::unique_ptr<X509_STORE, StoreDeleter> store(X509_STORE_new());
  const std::unique_ptr<STACK_OF(X509), StackDeleter> untrusted(sk_X509_new_null());
  const std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter> verify(X509_STORE_CTX_new());
  if (!store || !untrusted || !verify) return failed(0, "out of memory");
  for (std::size_t i = 1; i < chain.size(); ++i) {
    if (chain[i] != nullptr) sk_X509_push(untrusted.get(), chain[i]);
  }
  if (X509_STORE_CTX_init(verify.get(), store.get(), chain.front(), untrusted.get()) != 1) {
    return failed(0, "out of memory");
  }
  // As libssl verifies a server's chain: its purpose, the names, and the connection's DANE.
  X509_STORE_CTX_set_default(verify.get(), "ssl_server");
  X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(verify.get()), SSL_get0_param(ssl.get()));
  X509_STORE_CTX_set0_dane(verify.get(), SSL_get0_dane(ssl.get()));
  const int ok = X509_verify_cert(verify.get());
  const long error = X509_STORE_CTX_get_error(verify.get());
  if (ok <= 0) {
    return failed(error == X509_V_OK ? X509_V_ERR_UNSPECIFIED : error,
                  X509_verify_cert_error_string(error));
  }
  DaneOutcome out;
  out.matched = true;
  // Which record matched: OpenSSL answers for a connection whose verification passed.
  SSL_set_verify_result(ssl.get(), X509_V_OK);
  std::uint8_t usage = 0, selector = 0, matching = 0;
  const unsigned char* data = nullptr;
  std::size_t length = 0;
  out.depth = SSL_get0_dane_tlsa(ssl.get(), &usage, &selector, &matching, &data, &length);
  if (out.depth >= 0 && data != nullptr) {
    out.matched_record = TlsaRecord{usage, selector, matching, {data, data + length}};
  }
  return out;
}

}  // namespace mtasts::dane
