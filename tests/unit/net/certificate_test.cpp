#include "net/certificate.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <string>
#include <vector>

#include "test_certs.hpp"

namespace mtasts::net {
namespace {

TEST(ClassifyVerifyError, MapsOpensslCodesToProblems) {
  EXPECT_EQ(classify_verify_error(X509_V_ERR_CERT_HAS_EXPIRED), CertProblem::expired);
  EXPECT_EQ(classify_verify_error(X509_V_ERR_CERT_NOT_YET_VALID), CertProblem::not_yet_valid);
  EXPECT_EQ(classify_verify_error(X509_V_ERR_HOSTNAME_MISMATCH), CertProblem::name_mismatch);
  EXPECT_EQ(classify_verify_error(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT), CertProblem::untrusted);
  EXPECT_EQ(classify_verify_error(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY),
            CertProblem::untrusted);
  EXPECT_EQ(classify_verify_error(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN), CertProblem::untrusted);
  EXPECT_EQ(classify_verify_error(X509_V_ERR_OUT_OF_MEM), CertProblem::other);
  EXPECT_EQ(to_string(CertProblem::name_mismatch), "name_mismatch");
}

/// A self-signed certificate with `cn` as subject CN and `san` (if any) as its only DNS SAN.
X509Ptr make_certificate(const char* cn, const char* san) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key);
  if (san) {
    const std::string value = std::string("DNS:") + san;
    X509_EXTENSION* ext =
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, value.c_str());
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  X509_sign(cert.get(), key, EVP_sha256());
  EVP_PKEY_free(key);
  return cert;
}

bool names(X509* cert, const char* host) {
  return X509_check_host(cert, host, 0, kHostCheckFlags, nullptr) == 1;
}

// RFC 8461 requires a DNS-ID: the subject CN is not a fallback (it once was, through
// OpenSSL's default).
TEST(HostCheck, OnlySubjectAltNamesNameTheHost) {
  const auto cn_only = make_certificate("mx.example.com", nullptr);
  EXPECT_FALSE(names(cn_only.get(), "mx.example.com"));
  const auto with_san = make_certificate("whatever", "mx.example.com");
  EXPECT_TRUE(names(with_san.get(), "mx.example.com"));
  const auto wildcard = make_certificate("x", "*.example.com");
  EXPECT_TRUE(names(wildcard.get(), "mx.example.com"));
  EXPECT_FALSE(names(wildcard.get(), "a.mx.example.com"));
  const auto partial = make_certificate("x", "m*.example.com");
  EXPECT_FALSE(names(partial.get(), "mx.example.com"));
}

TEST(DescribeCertificate, NullIsEmpty) {
  const CertificateFacts facts = describe_certificate(nullptr);
  EXPECT_TRUE(facts.dns_names.empty());
  EXPECT_EQ(facts.not_after, 0);
}

// A hosting provider's certificate serves many domains: its facts must not depend on which
// domain asked, so the daemon keeps them once (DomainStore interns equal facts).
TEST(DescribeCertificate, KeepsTheFirstNamesInCertificateOrder) {
  std::vector<std::string> names;
  for (int i = 0; i < 12; ++i) names.push_back("mta-sts.d" + std::to_string(i) + ".example");
  const auto cert = support::make_cert({.cn = "provider", .dns_names = names});
  const CertificateFacts facts = describe_certificate(cert.cert.get());
  EXPECT_EQ(facts.dns_names_total, 12U);
  EXPECT_EQ(facts.dns_names,
            std::vector<std::string>(names.begin(), names.begin() + kMaxKeptDnsNames));
  EXPECT_EQ(facts.dns_names.capacity(), kMaxKeptDnsNames);
  EXPECT_EQ(facts.subject, "CN=provider");
}

// Descriptions are remembered by the certificate's digest: certificates described in turn,
// more of them than are remembered, each get their own facts every time.
TEST(DescribeCertificate, RememberedDescriptionsBelongToTheirCertificate) {
  std::vector<support::KeyedCert> certs;
  std::vector<CertificateFacts> first;
  for (int i = 0; i < 300; ++i) {
    const std::string name = "mx" + std::to_string(i) + ".example";
    certs.push_back(support::make_cert({.cn = name, .dns_names = {name}}));
    first.push_back(describe_certificate(certs.back().cert.get()));
    EXPECT_EQ(first.back().dns_names, std::vector<std::string>{name});
  }
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < certs.size(); i += 7) {
      EXPECT_EQ(describe_certificate(certs[i].cert.get()), first[i]) << i;
    }
  }
}

}  // namespace
}  // namespace mtasts::net
