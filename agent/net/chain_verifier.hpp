/// @file
/// @brief Verification of a server's certificate chain, made after the handshake and
/// remembered per chain. A hosting provider's policy hosts share certificates, a provider's
/// MX hosts serve thousands of domains, and every round presents the same chains again: each
/// distinct chain is verified once, and its verdict kept until one of its certificates' dates
/// passes or an hour has gone by. The name check depends on the host asked for and is made
/// every time.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace mtasts::net {

class ChainVerifier {
 public:
  /// At most `capacity` chains are remembered (a few hundred bytes each).
  explicit ChainVerifier(std::size_t capacity = 16384) : capacity_(capacity) {}

  /// Every X509_V_ERR_* code of `chain` (the server's certificate first, then what it sent
  /// with it) against `store`, in the order OpenSSL reports them: the chain's trust, dates and
  /// purpose; then, when `security_level` is under 2, the keys and signatures a sender at
  /// level 2 refuses (a probe negotiates lower to observe old servers); then the name check
  /// for `host` (RFC 8461 §3.3 and §4.2: kHostCheckFlags). Empty: the chain verifies.
  /// `leaf_sha256`, when given, is the server certificate's digest, already taken by
  /// describe_certificate: not taken a second time.
  std::vector<long> verify(X509_STORE* store, STACK_OF(X509) * chain, const std::string& host,
                           int security_level, std::time_t now,
                           std::span<const unsigned char> leaf_sha256 = {});

  std::size_t remembered() const;
  /// How often a chain was verified rather than remembered (for tests).
  std::uint64_t verifications() const;

 private:
  struct Verdict {
    std::vector<long> errors;  ///< without the name check
    std::time_t valid_until = 0;
  };
  Verdict verify_chain(X509_STORE* store, STACK_OF(X509) * chain, int security_level,
                       std::time_t now) const;

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  /// Keyed by the SHA-256 digests of the chain's certificates and the security level.
  std::unordered_map<std::string, Verdict> verdicts_;
  std::uint64_t verifications_ = 0;
};

/// Gives a client context a ChainVerifier (owned by the context) and moves verification out
/// of its handshakes: libssl would verify every chain it receives, and the agent records
/// problems rather than aborting on them, so nothing is lost by verifying afterwards.
bool attach_chain_verifier(SSL_CTX* context);
/// The verifier attach_chain_verifier gave `context`, or null.
ChainVerifier* chain_verifier_of(SSL_CTX* context);

/// The verification errors of the chain `ssl` received, judged for `host` (see
/// ChainVerifier::verify), through the context's verifier.
std::vector<long> verify_peer_chain(SSL* ssl, const std::string& host,
                                    std::span<const unsigned char> leaf_sha256 = {});

}  // namespace mtasts::net
