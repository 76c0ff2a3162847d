#include "net/certificate.hpp"

#include <fmt/format.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace mtasts::net {
namespace {

struct BioDeleter {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
struct NamesDeleter {
  void operator()(GENERAL_NAMES* names) const noexcept { GENERAL_NAMES_free(names); }
};

std::string name_to_string(const X509_NAME* name) {
  if (name == nullptr) return {};
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

}  // namespace

std::time_t to_time_t(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return 0;
  return timegm(&tm);
}

std::string_view to_string(CertProblem problem) noexcept {
  switch (problem) {
    case CertProblem::expired: return "expired";
    case CertProblem::not_yet_valid: return "not_yet_valid";
    case CertProblem::untrusted: return "untrusted";
    case CertProblem::name_mismatch: return "name_mismatch";
    case CertProblem::other: return "other";
    case CertProblem::weak_key: return "weak_key";
    case CertProblem::weak_signature: return "weak_signature";
  }
  return "other";
}

CertProblem classify_verify_error(long code) noexcept {
  switch (code) {
    case X509_V_ERR_CERT_HAS_EXPIRED: return CertProblem::expired;
    case X509_V_ERR_CERT_NOT_YET_VALID: return CertProblem::not_yet_valid;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH: return CertProblem::name_mismatch;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
    case X509_V_ERR_INVALID_CA: return CertProblem::untrusted;
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL: return CertProblem::weak_key;
    case X509_V_ERR_CA_MD_TOO_WEAK: return CertProblem::weak_signature;
    default: return CertProblem::other;
  }
}

namespace {

/// Everything of describe_certificate but the digest.
CertificateFacts describe_uncached(X509* cert) {
  CertificateFacts facts;
  facts.subject = name_to_string(X509_get_subject_name(cert));
  facts.issuer = name_to_string(X509_get_issuer_name(cert));
  facts.not_before = to_time_t(X509_get0_notBefore(cert));
  facts.not_after = to_time_t(X509_get0_notAfter(cert));
  std::unique_ptr<GENERAL_NAMES, NamesDeleter> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  const int count = names ? sk_GENERAL_NAME_num(names.get()) : 0;
  facts.dns_names.reserve(
      std::min<std::size_t>(static_cast<std::size_t>(std::max(count, 0)), kMaxKeptDnsNames));
  for (int i = 0; i < count; ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = name->d.dNSName;
    ++facts.dns_names_total;
    if (facts.dns_names.size() < kMaxKeptDnsNames) {
      facts.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                   static_cast<std::size_t>(ASN1_STRING_length(dns)));
    }
  }
  return facts;
}

/// The descriptions of recently seen certificates, by SHA-256 of the DER: a hosting
/// provider's policy and MX certificates come back in thousands of handshakes a round, and
/// decoding a subjectAltName of a hundred names each time was a fortieth of a check's CPU.
/// Forgotten all at once when full (a fleet of distinct certificates gains nothing anyway).
class RecentDescriptions {
 public:
  static constexpr std::size_t kCapacity = 256;
  using Digest = std::array<unsigned char, 32>;

  const CertificateFacts* find(const Digest& sha256) const {
    const auto it = kept_.find(sha256);
    return it == kept_.end() ? nullptr : &it->second;
  }
  void remember(const CertificateFacts& facts) {
    if (kept_.size() >= kCapacity) kept_.clear();
    kept_.emplace(facts.sha256, facts);
  }

 private:
  /// A digest's first bytes are as good a hash as any (no key to build per handshake).
  struct DigestHash {
    std::size_t operator()(const Digest& digest) const noexcept {
      std::size_t hash = 0;
      std::memcpy(&hash, digest.data(), sizeof hash);
      return hash;
    }
  };
  std::unordered_map<Digest, CertificateFacts, DigestHash> kept_;
};

}  // namespace

CertificateFacts describe_certificate(X509* cert) {
  if (cert == nullptr) return {};
  std::array<unsigned char, 32> sha256{};
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) != 1 || length != sha256.size()) {
    return describe_uncached(cert);  // the digest stays zero: "could not take it"
  }
  std::copy_n(digest, sha256.size(), sha256.begin());
  thread_local RecentDescriptions recent;
  if (const CertificateFacts* kept = recent.find(sha256)) return *kept;
  CertificateFacts facts = describe_uncached(cert);
  facts.sha256 = sha256;
  recent.remember(facts);
  return facts;
}

}  // namespace mtasts::net
