#include "net/chain_verifier.hpp"

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <iterator>
#include <memory>

#include "net/certificate.hpp"

namespace mtasts::net {
namespace {

/// How long a verdict stands when no certificate date comes first: a bound on what an
/// unforeseen dependency of verification could leave stale.
constexpr std::time_t kRememberSeconds = 3600;

struct StoreCtxDeleter {
  void operator()(X509_STORE_CTX* ctx) const noexcept { X509_STORE_CTX_free(ctx); }
};

void add_once(std::vector<long>& errors, long code) {
  if (std::find(errors.begin(), errors.end(), code) == errors.end()) errors.push_back(code);
}

/// Records every error and lets verification go on: the agent reports problems rather than
/// stopping at the first.
int record_and_continue(int preverified, X509_STORE_CTX* ctx) {
  if (preverified == 0) {
    add_once(*static_cast<std::vector<long>*>(X509_STORE_CTX_get_app_data(ctx)),
             X509_STORE_CTX_get_error(ctx));
  }
  return 1;
}

/// What OpenSSL's chain check adds at security level 2 (x509_vfy.c: check_key_level on every
/// certificate, check_sig_level on every certificate but the top one), read from the built
/// chain rather than verifying it a second time.
void add_weak_chain_errors(STACK_OF(X509) * chain, std::vector<long>& errors) {
  constexpr int kLevel2Bits = 112;
  const int count = sk_X509_num(chain);
  for (int i = 0; i < count; ++i) {
    X509* cert = sk_X509_value(chain, i);
    if (EVP_PKEY* key = X509_get0_pubkey(cert);
        key != nullptr && EVP_PKEY_get_security_bits(key) < kLevel2Bits) {
      add_once(errors, i == 0 ? X509_V_ERR_EE_KEY_TOO_SMALL : X509_V_ERR_CA_KEY_TOO_SMALL);
    }
    int signature_bits = -1;
    const bool top = i == count - 1;  // the trust anchor, whose own signature is not judged
    if (!top && X509_get_signature_info(cert, nullptr, nullptr, &signature_bits, nullptr) == 1 &&
        signature_bits >= 0 && signature_bits < kLevel2Bits) {
      add_once(errors, X509_V_ERR_CA_MD_TOO_WEAK);
    }
  }
}

/// The soonest date after `now` at which a certificate of `chain` starts or stops being valid.
void bound_by_dates(STACK_OF(X509) * chain, std::time_t now, std::time_t& until) {
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
    X509* cert = sk_X509_value(chain, i);
    for (const ASN1_TIME* date : {X509_get0_notBefore(cert), X509_get0_notAfter(cert)}) {
      const std::time_t t = to_time_t(date);
      if (t > now) until = std::min(until, t);
    }
  }
}

/// The SHA-256 of each certificate, and the level: equal keys, equal verdicts.
std::string chain_key(STACK_OF(X509) * chain, int security_level,
                      std::span<const unsigned char> leaf_sha256) {
  std::string key(1, static_cast<char>(security_level));
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    if (i == 0 && leaf_sha256.size() == 32) {
      key.append(reinterpret_cast<const char*>(leaf_sha256.data()), leaf_sha256.size());
      continue;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(sk_X509_value(chain, i), EVP_sha256(), digest, &length) != 1) return {};
    key.append(reinterpret_cast<const char*>(digest), length);
  }
  return key;
}

}  // namespace

ChainVerifier::Verdict ChainVerifier::verify_chain(X509_STORE* store, STACK_OF(X509) * chain,
                                                   int security_level, std::time_t now) const {
  Verdict verdict;
  verdict.valid_until = now + kRememberSeconds;
  const std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter> ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store, sk_X509_value(chain, 0), chain) != 1) {
    verdict.errors.push_back(X509_V_ERR_OUT_OF_MEM);
    verdict.valid_until = now;
    return verdict;
  }
  // As libssl verifies a server's chain (ssl_verify_cert_chain): the server purpose, and the
  // connection's security level for keys and signatures.
  X509_STORE_CTX_set_default(ctx.get(), "ssl_server");
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_auth_level(param, security_level);
  X509_VERIFY_PARAM_set_time(param, now);
  X509_STORE_CTX_set_app_data(ctx.get(), &verdict.errors);
  X509_STORE_CTX_set_verify_cb(ctx.get(), record_and_continue);
  if (X509_verify_cert(ctx.get()) <= 0 && verdict.errors.empty()) {
    // Stopped without calling back: out of memory, or a chain it could not work on.
    const long error = X509_STORE_CTX_get_error(ctx.get());
    verdict.errors.push_back(error == X509_V_OK ? X509_V_ERR_UNSPECIFIED : error);
    verdict.valid_until = now;
  }
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
  if (security_level < 2) add_weak_chain_errors(built != nullptr ? built : chain, verdict.errors);
  bound_by_dates(chain, now, verdict.valid_until);
  bound_by_dates(built, now, verdict.valid_until);
  return verdict;
}

std::vector<long> ChainVerifier::verify(X509_STORE* store, STACK_OF(X509) * chain,
                                        const std::string& host, int security_level,
                                        std::time_t now,
                                        std::span<const unsigned char> leaf_sha256) {
  if (chain == nullptr || sk_X509_num(chain) == 0) return {X509_V_ERR_UNSPECIFIED};
  std::vector<long> errors;
  const std::string key = chain_key(chain, security_level, leaf_sha256);
  bool known = false;
  {
    const std::lock_guard lock(mutex_);
    if (auto it = verdicts_.find(key); !key.empty() && it != verdicts_.end()) {
      if (it->second.valid_until > now) {
        errors = it->second.errors;
        known = true;
      } else {
        verdicts_.erase(it);
      }
    }
  }
  if (!known) {
    Verdict verdict = verify_chain(store, chain, security_level, now);
    errors = verdict.errors;
    const std::lock_guard lock(mutex_);
    ++verifications_;
    if (!key.empty() && verdict.valid_until > now) {
      if (verdicts_.size() >= capacity_) {
        std::erase_if(verdicts_,
                      [now](const auto& entry) { return entry.second.valid_until <= now; });
      }
      // Still full: start over rather than track ages (a round refills it).
      if (verdicts_.size() >= capacity_) verdicts_.clear();
      verdicts_.insert_or_assign(key, std::move(verdict));
    }
  }
  if (!host.empty() && X509_check_host(sk_X509_value(chain, 0), host.data(), host.size(),
                                       kHostCheckFlags, nullptr) != 1) {
    add_once(errors, X509_V_ERR_HOSTNAME_MISMATCH);
  }
  return errors;
}

std::size_t ChainVerifier::remembered() const {
  const std::lock_guard lock(mutex_);
  return verdicts_.size();
}

std::uint64_t ChainVerifier::verifications() const {
  const std::lock_guard lock(mutex_);
  return verifications_;
}

namespace {

int verifier_index() {
  static const int index = SSL_CTX_get_ex_new_index(
      0, nullptr, nullptr, nullptr, [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
        delete static_cast<ChainVerifier*>(ptr);
      });
  return index;
}

}  // namespace

bool attach_chain_verifier(SSL_CTX* context) {
  auto verifier = std::make_unique<ChainVerifier>();
  if (SSL_CTX_set_ex_data(context, verifier_index(), verifier.get()) != 1) return false;
  verifier.release();  // the context's now
  // Called by libssl instead of X509_verify_cert: the chain is verified after the handshake.
  SSL_CTX_set_cert_verify_callback(
      context, [](X509_STORE_CTX*, void*) { return 1; }, nullptr);
  return true;
}

ChainVerifier* chain_verifier_of(SSL_CTX* context) {
  return static_cast<ChainVerifier*>(SSL_CTX_get_ex_data(context, verifier_index()));
}

std::vector<long> verify_peer_chain(SSL* ssl, const std::string& host,
                                    std::span<const unsigned char> leaf_sha256) {
  SSL_CTX* context = SSL_get_SSL_CTX(ssl);
  ChainVerifier* verifier = chain_verifier_of(context);
  ChainVerifier once(0);
  return (verifier != nullptr ? *verifier : once)
      .verify(SSL_CTX_get_cert_store(context), SSL_get_peer_cert_chain(ssl), host,
              SSL_get_security_level(ssl), std::time(nullptr), leaf_sha256);
}

}  // namespace mtasts::net
