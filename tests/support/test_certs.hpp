// Certificates made in memory for the tests that judge chains without a server: a CA and the
// leaves it signs, with names and dates of the test's choosing, and the TLSA data of each.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

namespace mtasts::support {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct CertDeleter {
  void operator()(X509* cert) const noexcept { X509_free(cert); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using Cert = std::unique_ptr<X509, CertDeleter>;

struct KeyedCert {
  Pkey key;
  Cert cert;
};

struct CertSpec {
  std::string cn = "test";
  std::vector<std::string> dns_names = {};  ///< subjectAltName dNSName entries
  long not_before_days = -1;                ///< relative to now
  long not_after_days = 90;
  bool ca = false;
};

/// A P-256 certificate for `spec`, signed by `issuer` (self-signed when null).
inline KeyedCert make_cert(const CertSpec& spec, const KeyedCert* issuer = nullptr) {
  KeyedCert out{Pkey(EVP_EC_gen("P-256")), Cert(X509_new())};
  X509* cert = out.cert.get();
  X509_set_version(cert, X509_VERSION_3);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert), spec.not_before_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert), spec.not_after_days * 86400);
  X509_set_pubkey(cert, out.key.get());
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, issuer != nullptr ? X509_get_subject_name(issuer->cert.get()) : name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer->cert.get() : cert, cert, nullptr, nullptr, 0);
  const auto add = [&](int nid, const std::string& value) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  };
  add(NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add(NID_subject_key_identifier, "hash");
  if (spec.ca) add(NID_key_usage, "critical,keyCertSign,cRLSign");
  if (!spec.ca) add(NID_ext_key_usage, "serverAuth");
  if (!spec.dns_names.empty()) {
    std::string san;
    for (const auto& n : spec.dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + n;
    add(NID_subject_alt_name, san);
  }
  X509_sign(cert, issuer != nullptr ? issuer->key.get() : out.key.get(), EVP_sha256());
  return out;
}

/// The SHA-256 of the certificate (selector 0) or of its SubjectPublicKeyInfo (selector 1), as
/// the data of a "x 0 1" or "x 1 1" TLSA record.
inline std::vector<unsigned char> tlsa_sha256(X509* cert, int selector) {
  unsigned char* der = nullptr;
  const int length =
      selector == 0 ? i2d_X509(cert, &der) : i2d_PUBKEY(X509_get0_pubkey(cert), &der);
  std::vector<unsigned char> digest(32);
  unsigned int size = 0;
  EVP_Digest(der, static_cast<std::size_t>(length), digest.data(), &size, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  return digest;
}

inline std::string to_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace mtasts::support
