/// @file
/// @brief What the agent records about a peer's certificate, and how OpenSSL's
/// verification errors map to findings (RFC 8461 §3.3 and §4.2). Recorded even when
/// verification fails, so an expired or wrong-name certificate is reported with its dates.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mtasts::net {

struct X509Deleter {
  void operator()(X509* cert) const noexcept { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

/// The closed set of verification outcomes the findings tell apart.
/// Appended only: reports store the number.
enum class CertProblem : std::uint8_t {
  expired,
  not_yet_valid,
  untrusted,
  name_mismatch,
  other,
  weak_key,        ///< an RSA/DSA key under 2048 bits, or an EC key under 224 (security level 2)
  weak_signature,  ///< a chain signature with SHA-1 or MD5
};

std::string_view to_string(CertProblem problem) noexcept;

struct CertificateFacts {
  /// subjectAltName dNSName entries, the first kMaxKeptDnsNames in certificate order (a
  /// hosting provider's certificate may list hundreds). Not chosen by the host asked for, so
  /// the facts of one certificate are the same for every domain it serves (kept once).
  std::vector<std::string> dns_names;
  std::size_t dns_names_total = 0;  ///< how many the certificate has
  std::string subject;              ///< one-line RFC 2253 form
  std::string issuer;
  std::time_t not_before = 0;
  std::time_t not_after = 0;
  /// SHA-256 fingerprint of the DER (raw bytes: 32 bytes inline rather than 64 hex
  /// characters on the heap, for every certificate of every domain the daemon keeps).
  std::array<unsigned char, 32> sha256{};

  bool verified = false;              ///< chain trusted, dates valid, name matches
  std::vector<CertProblem> problems;  ///< every distinct problem found, in order
  std::string error;                  ///< OpenSSL's text for the first problem

  bool operator==(const CertificateFacts&) const = default;
};

/// Facts of `cert` (the leaf): names, issuer, validity, fingerprint.
inline constexpr std::size_t kMaxKeptDnsNames = 10;

/// The facts of `cert`.
CertificateFacts describe_certificate(X509* cert);

/// How a certificate must name the host it was asked for (RFC 8461 §3.3 and §4.2, RFC 6125):
/// a DNS-ID in the subjectAltName, '*' only as a whole left-most label, and never the subject
/// CN as a fallback (a certificate without a DNS-name SAN is a name mismatch).
inline constexpr unsigned int kHostCheckFlags =
    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT;

/// Maps an X509_V_ERR_* code to a CertProblem.
CertProblem classify_verify_error(long code) noexcept;

/// An ASN.1 time as seconds since the epoch; 0 when it cannot be read.
std::time_t to_time_t(const ASN1_TIME* time);

}  // namespace mtasts::net
